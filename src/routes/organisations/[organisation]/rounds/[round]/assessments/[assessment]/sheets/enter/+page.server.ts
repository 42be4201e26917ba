import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { PERSPECTIVES } from '$lib/domain/ratings';
import { whyAssessmentIsLocked } from '$lib/domain/rounds';
import { paperSheetField } from '$lib/forms/field-names';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { formFailure } from '$lib/server/http/failure';
import { requireAssessment } from '$lib/server/http/require';
import {
	enterPaperSheet,
	paperSheets,
	parsePaperSheet,
	removePaperSheet
} from '$lib/server/ratings/paper-sheets';
import type { Actions, PageServerLoad } from './$types';

// Typing in completed paper sheets, one at a time: for those who run the assessment
// (assessment.edit), as choosing raters is.

const sheetIdSchema = z.string().min(1).max(64);

export const load = ((event) => {
	const { db, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const content = frameworkContent(db, assessment.frameworkId);
	const sheets = paperSheets(db, assessment.id);
	const locked = whyAssessmentIsLocked(assessment.roundStatus, assessment.status);
	const entered = Number(event.url.searchParams.get('entered'));
	const removing = event.url.searchParams.get('remove');
	return {
		organisation,
		assessment,
		perspectives: PERSPECTIVES,
		scale: content.scale.map((l) => ({ value: l.value, name: l.name })),
		challenges: content.challenges.map((c) => ({
			id: c.id,
			position: c.position,
			name: c.name,
			shortLabel: c.shortLabel
		})),
		sheets,
		locked,
		entered: Number.isInteger(entered) && entered > 0 ? entered : null,
		removed: event.url.searchParams.has('removed'),
		/** The sheet whose removal is to be confirmed. */
		removing: (!locked && sheets.find((s) => s.id === removing)) || null
	};
}) satisfies PageServerLoad;

export const actions = {
	enter: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
		const posted = await event.request.formData();
		const parsed = parsePaperSheet(posted, frameworkContent(db, assessment.frameworkId));
		if (!parsed.ok) return formFailure(event, 400, posted, parsed);
		const result = enterPaperSheet(db, person, assessment, parsed.data);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}/sheets/enter?entered=${result.sheetNumber}#entered`
		);
	},
	remove: async (event) => {
		const { db, person, organisation, assessment } = requireAssessment(event, 'assessment.edit');
		const posted = await event.request.formData();
		const sheetId = sheetIdSchema.safeParse(posted.get(paperSheetField.sheet));
		if (!sheetId.success)
			return formFailure(event, 400, posted, { message: 'Choose a sheet to remove' });
		const result = removePaperSheet(db, person, assessment, sheetId.data);
		if (!result.ok) return formFailure(event, result.status, posted, { message: result.message });
		redirect(
			303,
			`/organisations/${organisation.id}/rounds/${assessment.roundId}/assessments/${assessment.id}/sheets/enter?removed#entered-sheets`
		);
	}
} satisfies Actions;
