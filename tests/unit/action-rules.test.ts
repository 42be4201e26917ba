import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ACTION_RULES, splitActionKey } from '../action-rules';

const ROOT = 'src/routes';

/** Every `+page.server` file under src/routes, as its path and its route's URL pattern. */
function pageServerFiles(): { file: string; route: string }[] {
	const found: { file: string; route: string }[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (/^\+page\.server\.(ts|js)$/.test(entry.name)) {
				const parts = relative(ROOT, dir)
					.split(sep)
					.filter((part) => part && !/^\(.*\)$/.test(part));
				found.push({ file: path, route: '/' + parts.join('/') });
			}
		}
	};
	walk(ROOT);
	return found;
}

/**
 * The keys of `export const actions = { … }` in a route file, read from its syntax tree. Anything
 * the test cannot name for certain (a spread, a computed key, a value that is not an object
 * literal) is returned as a problem rather than skipped.
 */
function actionNames(source: string, file = 'route.ts'): { names: string[]; problems: string[] } {
	const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
	const names: string[] = [];
	const problems: string[] = [];
	for (const statement of tree.statements) {
		if (!ts.isVariableStatement(statement)) continue;
		const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
		if (!exported) continue;
		for (const declaration of statement.declarationList.declarations) {
			if (!ts.isIdentifier(declaration.name) || declaration.name.text !== 'actions') continue;
			let value = declaration.initializer;
			while (
				value &&
				(ts.isSatisfiesExpression(value) ||
					ts.isAsExpression(value) ||
					ts.isParenthesizedExpression(value))
			)
				value = value.expression;
			if (!value || !ts.isObjectLiteralExpression(value)) {
				problems.push(`${file}: actions is not an object literal`);
				continue;
			}
			for (const property of value.properties) {
				const name = property.name;
				if (name && (ts.isIdentifier(name) || ts.isStringLiteral(name))) names.push(name.text);
				else problems.push(`${file}: cannot read an action name (${property.getText(tree)})`);
			}
		}
	}
	return { names, problems };
}

/** Every form action in the app, as the key tests/action-rules.ts uses for it. */
function actionsInApp(): { keys: string[]; problems: string[] } {
	const keys: string[] = [];
	const problems: string[] = [];
	for (const { file, route } of pageServerFiles()) {
		const found = actionNames(readFileSync(file, 'utf8'), file);
		problems.push(...found.problems);
		for (const name of found.names) keys.push(name === 'default' ? route : `${route}?/${name}`);
	}
	return { keys: keys.sort(), problems };
}

describe('action rules', () => {
	it('reads action names from a route file, whatever form their properties take', () => {
		const source = `
			import type { Actions } from './$types';
			const actions_ = { ignored: () => {} };
			export const load = () => ({});
			export const actions = {
				open: (event) => change(event),
				'close': async function () {},
				reopen() {},
				comment,
			} satisfies Actions;`;
		expect(actionNames(source)).toEqual({
			names: ['open', 'close', 'reopen', 'comment'],
			problems: []
		});
		expect(actionNames('export const actions = { ...shared, [name]: () => {} };').problems).toEqual(
			[
				'route.ts: cannot read an action name (...shared)',
				'route.ts: cannot read an action name ([name]: () => {})'
			]
		);
	});

	it('every form action in the app has a row in tests/action-rules.ts, and every row an action', () => {
		const { keys, problems } = actionsInApp();
		expect(problems, 'route files whose actions cannot be read').toEqual([]);
		expect(keys.length, 'form actions found').toBeGreaterThan(0);
		expect(
			keys.filter((key) => !(key in ACTION_RULES)),
			'actions without a rule'
		).toEqual([]);
		expect(
			Object.keys(ACTION_RULES).filter((key) => !keys.includes(key)),
			'rules without an action'
		).toEqual([]);
	});

	it('actions inside an organisation give an answer per place to every signed-in visitor', () => {
		const wrong: string[] = [];
		for (const [key, rule] of Object.entries(ACTION_RULES)) {
			const insideOrganisation = splitActionKey(key).route.includes('[organisation]');
			for (const [visitor, answer] of Object.entries(rule.answers)) {
				if (visitor === 'anonymous') continue;
				if (Array.isArray(answer) !== insideOrganisation) wrong.push(`${key} (${visitor})`);
			}
		}
		expect(wrong).toEqual([]);
	});
});
