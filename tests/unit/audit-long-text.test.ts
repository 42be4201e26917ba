import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { condensed, recordAuditEvent } from '$lib/server/audit/record';
import { auditTrail } from '$lib/server/audit/trail';
import { describeChange, isLongTextDigest } from '$lib/domain/audit-labels';
import { createOrganisation } from '$lib/server/organisations';
import { freshDb, platformAdmin } from './helpers/db';

// Long text (evidence, comments, notes, descriptions) is kept in the trail as its length, a
// SHA-256 prefix and its start, not as a second full copy.
const long = (seed: string, length = 1200) =>
	seed.repeat(Math.ceil(length / seed.length)).slice(0, length);

describe('long text in the audit trail', () => {
	it('stores length, SHA-256 prefix and the first 200 characters of text over 500 characters', () => {
		const evidence = long('We co-produced the induction with two peer workers. ');
		const stored = condensed({ level: 3, evidence, note: 'short stays as it is' }) as Record<
			string,
			unknown
		>;
		expect(stored.level).toBe(3);
		expect(stored.note).toBe('short stays as it is');
		expect(stored.evidence).toEqual({
			longText: true,
			length: 1200,
			sha256: createHash('sha256').update(evidence).digest('hex').slice(0, 16),
			start: evidence.slice(0, 200)
		});
		expect(condensed('x'.repeat(500))).toBe('x'.repeat(500));
		expect(isLongTextDigest(condensed('x'.repeat(501)))).toBe(true);
	});

	it('writes no full copy to the database, and the trail says what changed and how long it is', () => {
		const db = freshDb();
		const admin = platformAdmin(db);
		const organisationId = createOrganisation(db, admin, {
			name: 'Northmoor Trust',
			odsCode: '',
			groupingLabel: 'Directorate'
		});
		const before = long('Peer support workers join every team meeting. ', 900);
		const after = long('Peer support workers now lead the weekly meeting. ', 812);
		recordAuditEvent(db, {
			userId: admin.id,
			organisationId,
			action: 'agreed_score.updated',
			entityType: 'agreed_score',
			entityId: 'a/b',
			before: { level: 2, evidence: before },
			after: { level: 3, evidence: after }
		});
		const raw = db.$client
			.prepare("SELECT before, after FROM audit_event WHERE action = 'agreed_score.updated'")
			.get() as {
			before: string;
			after: string;
		};
		expect(raw.after.length).toBeLessThan(400);
		expect(raw.after).not.toContain(after);
		const [event] = auditTrail(db, organisationId).events;
		expect(event.details).toBe('level 2 → 3, evidence changed (812 characters)');
	});

	it('tells an unchanged long text from a changed one', () => {
		const evidence = long('Same words each time. ');
		const change = (a: string, b: string) =>
			describeChange({
				action: 'agreed_score.updated',
				before: condensed({ level: 2, evidence: a }),
				after: condensed({ level: 3, evidence: b })
			});
		expect(change(evidence, evidence)).toBe('level 2 → 3');
		expect(change(evidence, evidence + '!')).toBe(
			'level 2 → 3, evidence changed (1,201 characters)'
		);
		expect(
			describeChange({
				action: 'comment.created',
				before: null,
				after: condensed({ body: evidence })
			})
		).toMatch(/^Same words each time\. .*… \(1,200 characters\)$/);
		expect(
			describeChange({
				action: 'action.updated',
				before: { title: 'Induction', description: 'short' },
				after: condensed({ title: 'Induction', description: evidence })
			})
		).toBe('Induction: changed description (1,200 characters)');
	});
});
