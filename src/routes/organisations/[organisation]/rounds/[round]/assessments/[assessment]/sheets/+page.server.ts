import { eq } from 'drizzle-orm';
import { isPerspective, PERSPECTIVES } from '$lib/domain/ratings';
import { frameworks } from '$lib/server/db/schema';
import { frameworkContent } from '$lib/server/frameworks/queries';
import { requireAssessment } from '$lib/server/http/require';
import type { PageServerLoad } from './$types';

// Printable rating sheets, for people who rate on paper: for those who run the assessment
// (assessment.edit), as choosing raters is.

/** A sheet for one perspective, or "blank" for a sheet where the person ticks their own. */
const BLANK = 'blank' as const;

export const load = ((event) => {
	const { db, organisation, assessment } = requireAssessment(event, 'assessment.edit');
	const asked = event.url.searchParams.get('perspective');
	const perspective = isPerspective(asked) ? asked : asked === BLANK ? BLANK : null;
	const content = frameworkContent(db, assessment.frameworkId);
	return {
		organisation,
		assessment,
		perspective,
		perspectives: PERSPECTIVES.filter((p) => p.key !== 'other'),
		allPerspectives: PERSPECTIVES,
		scale: content.scale,
		/** Where the challenges come from, printed at the foot of the sheet. */
		attribution:
			db
				.select({ attribution: frameworks.attribution })
				.from(frameworks)
				.where(eq(frameworks.id, assessment.frameworkId))
				.get()?.attribution ?? '',
		challenges: content.challenges.map((c) => ({
			id: c.id,
			position: c.position,
			name: c.name,
			shortLabel: c.shortLabel,
			indicators: c.indicators
		}))
	};
}) satisfies PageServerLoad;
