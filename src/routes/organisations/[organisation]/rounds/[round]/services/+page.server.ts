import { redirect, type RequestEvent } from '@sveltejs/kit';
import { whyRoundServicesCannotChange } from '$lib/domain/rounds';
import { requireRound } from '$lib/server/http/require';
import { formFailure } from '$lib/server/http/failure';
import { parseForm } from '$lib/server/forms';
import {
	addServiceToRound,
	roundServiceChoices,
	roundServiceInputSchema,
	takeServiceOutOfRound
} from '$lib/server/rounds/taking-part';
import type { Actions, PageServerLoad, RouteParams } from './$types';

export const load = ((event) => {
	const { db, organisation, round } = requireRound(event, 'organisation.manage');
	const { taking, others } = roundServiceChoices(db, organisation.id, round);
	// The banner after a change names the service by its id, so the address cannot make it say
	// anything else.
	const added = event.url.searchParams.get('added');
	const takenOut = event.url.searchParams.get('taken-out');
	return {
		organisation,
		round: { id: round.id, title: round.title, status: round.status },
		cannotChange: whyRoundServicesCannotChange(round.status),
		taking,
		others,
		added: taking.find((s) => s.serviceId === added)?.serviceName ?? null,
		takenOut: others.find((s) => s.id === takenOut)?.name ?? null
	};
}) satisfies PageServerLoad;

type Event = RequestEvent<RouteParams>;

export const actions = {
	add: async (event: Event) => {
		const { db, person, organisation, round } = requireRound(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(roundServiceInputSchema, posted);
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const { serviceId } = parsed.data;
		const added = addServiceToRound(db, person, organisation.id, round.id, serviceId);
		if (!added.ok && added.status === 400)
			return formFailure(event, 400, posted, { errors: { serviceId: added.message } });
		if (!added.ok) return formFailure(event, added.status, posted, { message: added.message });
		redirect(303, `${event.url.pathname}?added=${serviceId}#added`);
	},
	// A row's button: what went wrong is said above the page, as no field of the row can hold it.
	takeOut: async (event: Event) => {
		const { db, person, organisation, round } = requireRound(event, 'organisation.manage');
		const posted = await event.request.formData();
		const parsed = parseForm(roundServiceInputSchema, posted);
		if (!parsed.ok)
			return formFailure(event, 400, posted, { message: 'Choose a service to take out' });
		const { serviceId } = parsed.data;
		const takenOut = takeServiceOutOfRound(db, person, organisation.id, round.id, serviceId);
		if (!takenOut.ok)
			return formFailure(event, takenOut.status, posted, { message: takenOut.message });
		redirect(303, `${event.url.pathname}?taken-out=${serviceId}#taken-out`);
	}
} satisfies Actions;
