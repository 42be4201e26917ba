import { describe, expect, it } from 'vitest';
import { assessmentStage } from '$lib/domain/rounds';
import { roundProgress } from '$lib/server/rounds/progress';
import { getRound } from '$lib/server/rounds/queries';
import { openedRound, trustWithService } from './helpers/world';

const inProgress = { status: 'in_progress', agreedLevels: 0 } as const;

describe('a round recorded after its period is over', () => {
	it('is not late: it was opened after its period ended', () => {
		expect(assessmentStage(inProgress, '2025-09-30', '2026-03-02', '2026-03-01')).toEqual({
			stage: 'not_started',
			late: false
		});
	});

	it('a round opened in time is still late once its period is over', () => {
		expect(assessmentStage(inProgress, '2025-09-30', '2026-03-02', '2025-04-01')).toEqual({
			stage: 'not_started',
			late: true
		});
		// Opened on the period's last day is in time.
		expect(assessmentStage(inProgress, '2025-09-30', '2026-03-02', '2025-09-30').late).toBe(true);
	});

	it('shows none of its services as late on the round page', () => {
		const w = trustWithService();
		const now = new Date('2026-03-02T10:00:00Z');
		// Autumn 2025, entered in March 2026 to record what the team did then.
		const past = openedRound(w, 'Autumn 2025', '2025-09-01', now);
		const round = getRound(w.db, w.organisationId, past.roundId)!;
		expect(round.periodEnd < '2026-03-02').toBe(true);
		const progress = roundProgress(w.db, round, { now });
		expect(progress.participants.map((p) => p.standing?.late)).toEqual([false]);
		expect(progress.summary).toMatchObject({ total: 1, late: 0 });

		// A round opened during its period and not finished in time is late.
		const ontime = openedRound(w, 'Winter 2026', '2026-01-01', new Date('2026-01-02T09:00:00Z'));
		const later = roundProgress(w.db, getRound(w.db, w.organisationId, ontime.roundId)!, { now });
		expect(later.summary).toMatchObject({ total: 1, late: 1 });
	});
});
