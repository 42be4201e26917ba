import { redirect } from '@sveltejs/kit';
import { requireGrouping } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import { moveServicesInputSchema, moveServicesIntoGrouping } from '$lib/server/groupings';
import { listServices } from '$lib/server/services';
import type { Actions, PageServerLoad } from './$types';

export const load = ((event) => {
	const { db, organisation, grouping } = requireGrouping(event, 'organisation.manage');
	const all = listServices(db, organisation.id);
	const moved = Number(event.url.searchParams.get('moved'));
	return {
		organisation,
		grouping: { id: grouping.id, name: grouping.name },
		inIt: all.filter((s) => s.groupingId === grouping.id),
		others: all.filter((s) => s.groupingId !== grouping.id),
		moved: Number.isInteger(moved) && moved > 0 ? moved : null
	};
}) satisfies PageServerLoad;

export const actions = {
	default: async (event) => {
		const { db, person, organisation, grouping } = requireGrouping(event, 'organisation.manage');
		const posted = await event.request.formData();
		const checkboxGroups = (name: string) => name === 'serviceIds';
		const parsed = parseForm(moveServicesInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, { ...parsed, checkboxGroups });
		const moved = moveServicesIntoGrouping(
			db,
			person,
			organisation.id,
			grouping.id,
			parsed.data.serviceIds
		);
		if (!moved.ok)
			return formFailure(event, 400, posted, {
				errors: { [moved.field]: moved.message },
				checkboxGroups
			});
		redirect(303, `${event.url.pathname}?moved=${moved.moved}#moved`);
	}
} satisfies Actions;
