import { describe, expect, it } from 'vitest';
import { formFailure } from '$lib/server/http/failure';

const at = (search: string) => ({ url: new URL(`http://localhost/page${search}`) });

function posted(entries: [string, string | File][]): FormData {
	const form = new FormData();
	for (const [name, value] of entries) form.append(name, value);
	return form;
}

describe('the one failure of a form action', () => {
	it('names the action that refused, or "default"', () => {
		expect(formFailure(at('?/comment'), 400, null, {}).data.form).toBe('comment');
		expect(formFailure(at('?/removeRole&x=1'), 404, null, {}).data.form).toBe('removeRole');
		expect(formFailure(at(''), 400, null, {}).data.form).toBe('default');
		expect(formFailure(at('?redirectTo=%2Fa'), 400, null, {}).data.form).toBe('default');
	});

	it('keeps the last value of each field as typed, but never a password or a file', () => {
		const failure = formFailure(
			at(''),
			400,
			posted([
				['email', 'jo@example.nhs.uk'],
				['password', 'secret secret'],
				['confirmPassword', 'secret secret'],
				['currentPassword', 'old'],
				['note', 'first'],
				['note', ' last '],
				['pack', new File(['{}'], 'pack.json')]
			]),
			{ errors: { email: 'Enter an email address' } }
		);
		expect(failure.status).toBe(400);
		expect(failure.data.values).toEqual({ email: 'jo@example.nhs.uk', note: ' last ' });
		expect(failure.data.errors).toEqual({ email: 'Enter an email address' });
	});

	it('lists every value of a field posted more than once, and of a checkbox group even with one ticked', () => {
		const failure = formFailure(
			at('?/save'),
			409,
			posted([
				['sources-a', 'care_plans'],
				['sources-a', 'staff_views'],
				['sources-b', 'other'],
				['title', 'Spring']
			]),
			{ message: 'Someone else saved', checkboxGroups: (name) => name.startsWith('sources-') }
		);
		expect(failure.data.lists).toEqual({
			'sources-a': ['care_plans', 'staff_views'],
			'sources-b': ['other']
		});
		expect(failure.data.message).toBe('Someone else saved');
		expect(failure.data.errors).toEqual({});
	});

	it('carries what one page needs beside the usual fields', () => {
		const failure = formFailure(
			at('?/save'),
			409,
			null,
			{},
			{ conflicts: [{ challengeId: 'c1' }] }
		);
		expect(failure.data).toEqual({
			form: 'save',
			values: {},
			lists: {},
			errors: {},
			message: undefined,
			conflicts: [{ challengeId: 'c1' }]
		});
	});
});
