import { expect } from 'vitest';
import { createOrganisation } from '$lib/server/organisations';
import { createService } from '$lib/server/services';
import { createRound } from '$lib/server/rounds/form';
import { openRound } from '$lib/server/rounds/transitions';
import { roundParticipants } from '$lib/server/rounds/progress';
import { getAssessment } from '$lib/server/assessments/queries';
import { personFor } from '$lib/server/users';
import { frameworks } from '$lib/server/db/schema';
import { freshDb, platformAdmin } from './db';

/** A fresh database with one trust, one of its services and its administrator. */
export function trustWithService() {
	const db = freshDb();
	const admin = platformAdmin(db);
	const organisationId = createOrganisation(db, admin, {
		name: 'Northmoor Trust',
		odsCode: '',
		groupingLabel: 'Directorate'
	});
	const person = personFor(db, { id: admin.id, email: '', name: '', isPlatformAdmin: true });
	const service = createService(db, person, organisationId, {
		name: 'Ashford CMHT',
		type: 'Community mental health team'
	});
	if (!service.ok) throw new Error('service not created');
	const frameworkId = db.select().from(frameworks).get()!.id;
	return { db, person, organisationId, serviceId: service.id, frameworkId };
}

export type TrustWithService = ReturnType<typeof trustWithService>;

/** A round of that one service, opened, with the service's assessment in it. */
export function openedRound(
	w: TrustWithService,
	title: string,
	periodStart: string,
	now = new Date()
) {
	const round = createRound(
		w.db,
		w.person,
		w.organisationId,
		{
			title,
			frameworkId: w.frameworkId,
			serviceIds: [w.serviceId],
			periodStart,
			periodEnd: periodStart.replace(/-\d\d$/, '-28')
		},
		now
	);
	if (!round.ok) throw new Error(round.message);
	expect(openRound(w.db, w.person, w.organisationId, round.id, now)).toEqual({ ok: true });
	const assessmentId = roundParticipants(w.db, round.id)[0].assessmentId!;
	return {
		roundId: round.id,
		assessment: getAssessment(w.db, w.organisationId, round.id, assessmentId)!
	};
}
