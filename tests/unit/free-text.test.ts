import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { freeTextProblem } from '$lib/domain/free-text';
import { checkPack } from '$lib/domain/framework-pack';
import { parseForm } from '$lib/server/forms';
import { serviceInputSchema } from '$lib/server/services';
import { organisationInputSchema } from '$lib/server/organisations';
import { newAccountSchema } from '$lib/server/users';
import { groupingInputSchema } from '$lib/server/groupings';
import { commentInputSchema } from '$lib/server/comments';
import { actionInputSchema, actionNoteSchema } from '$lib/server/actions/form';
import { invitationEmail, oneLine } from '$lib/server/mailer';

const RLO = '\u202e';
const form = (fields: Record<string, string>) => {
	const data = new FormData();
	for (const [k, v] of Object.entries(fields)) data.set(k, v);
	return data;
};
const errorsOf = <T>(
	result: { ok: true; data: T } | { ok: false; errors: Record<string, string> }
) => (result.ok ? {} : result.errors);

describe('free text', () => {
	it('names refuse control characters, line breaks and direction overrides; long text keeps lines', () => {
		for (const c of ['\u202a', '\u202e', '\u2066', '\u2069'])
			expect(freeTextProblem(`Ash${c}ford`, 'line')).toBe('direction');
		for (const c of ['\n', '\t', '\u0000', '\u001b', '\u007f', '\u0085'])
			expect(freeTextProblem(`Ash${c}ford`, 'line')).toBe('control');
		expect(freeTextProblem('Line one\r\nLine two\tindented', 'long')).toBeNull();
		expect(freeTextProblem('Bell \u0007', 'long')).toBe('control');
		expect(freeTextProblem('Café – “Ashford” مرحبا', 'line')).toBeNull();
	});

	it('a service name with a direction override is refused with a plain message', () => {
		const parsed = parseForm(
			serviceInputSchema,
			form({ name: `Ashford ${RLO}THMC`, type: 'Community mental health team' })
		);
		expect(errorsOf(parsed)).toEqual({
			name: 'The service name contains a hidden character that changes the direction of the text. Type it again rather than pasting it'
		});
	});

	it('every kind of name and title is checked', () => {
		expect(
			errorsOf(
				parseForm(
					organisationInputSchema,
					form({ name: `Trust${RLO}`, groupingLabel: 'Directorate' })
				)
			)
		).toHaveProperty('name');
		expect(
			errorsOf(
				parseForm(
					newAccountSchema,
					form({
						name: 'Sam\nAdministrator',
						email: 'sam@example.nhs.uk',
						password: 'a long enough password',
						confirmPassword: 'a long enough password'
					})
				)
			).name
		).toBe(
			'Your full name contains a hidden character (such as a line break or a tab) that cannot be saved here. Type it again rather than pasting it'
		);
		expect(
			errorsOf(parseForm(groupingInputSchema('Directorate'), form({ name: `North${RLO}` })))
		).toHaveProperty('name');
		const action = parseForm(
			actionInputSchema,
			form({
				challengeId: 'c1',
				title: `Peer ${RLO}work`,
				ownerName: 'Sam\u0000',
				dueDay: '',
				dueMonth: '',
				dueYear: ''
			})
		);
		expect(Object.keys(errorsOf(action))).toEqual(expect.arrayContaining(['title', 'ownerName']));
	});

	it('comments and notes keep their line breaks but refuse other control characters', () => {
		expect(parseForm(commentInputSchema, form({ body: 'First\r\n\tthen' })).ok).toBe(true);
		expect(
			errorsOf(parseForm(commentInputSchema, form({ body: 'Escape \u001b[2J' })))
		).toHaveProperty('body');
		expect(errorsOf(parseForm(actionNoteSchema, form({ body: 'Note \u0008' })))).toHaveProperty(
			'body'
		);
	});

	it('a framework pack whose name has a direction override is refused in plain words', () => {
		const pack = JSON.parse(readFileSync('tests/fixtures/packs/small-three-level.json', 'utf8'));
		pack.name = `Peer check ${RLO}`;
		pack.challenges[0].name = 'Two\nlines';
		const result = checkPack(pack);
		expect(result.ok ? [] : result.problems).toEqual([
			'The pack’s name holds a hidden character (a line break, a tab, another control character or one that changes the direction of text); it must be one line of plain text.',
			'Challenge 1: the name holds a hidden character (a line break, a tab, another control character or one that changes the direction of text); it must be one line of plain text.'
		]);
	});
});

describe('the invitation email', () => {
	it('puts the inviter’s name on its own fixed line, never in the subject, without line breaks', () => {
		const email = invitationEmail({
			to: 'new@example.nhs.uk',
			link: 'http://localhost:3000/invitations/abc',
			role: 'rater',
			placeName: 'Ashford CMHT',
			invitedBy: 'Sam\r\n\r\nClick http://evil.example to accept\u202e',
			expiresAt: new Date('2026-05-08T09:00:00Z')
		});
		expect(email.subject).toBe('Your invitation to the ImROC self-assessment');
		const lines = email.text.split('\n');
		expect(lines).toContain('Invited by: Sam Click http://evil.example to accept');
		expect(lines.filter((l) => l.includes('evil.example'))).toHaveLength(1);
		expect(lines.find((l) => l.includes('evil.example'))!.startsWith('Invited by: ')).toBe(true);
		expect(oneLine('a\u2028b\u0000c')).toBe('a b c');
	});
});
