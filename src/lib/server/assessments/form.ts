// Reading the agreeing form against the assessment's framework.

import { z } from 'zod';
import { EVIDENCE_SOURCE_KEYS, PRIORITY_COUNT, type EvidenceSource } from '$lib/domain/evidence';
import { agreedScoreField } from '$lib/forms/field-names';
import type { FrameworkContent } from '../frameworks/queries';
import { freeText, type FieldErrors } from '../forms';

export const MAX_EVIDENCE_LENGTH = 10_000;

export interface AgreedScoreInput {
	challengeId: string;
	level: number | null;
	evidence: string;
	rationale: string;
	evidenceSources: EvidenceSource[];
	nextStep: string;
	/** The revision the person started from: 0 when there was no saved score; -1 when unreadable. */
	revision: number;
	/** The fingerprint of the values the person started from, to tell their changes from the rest. */
	original: string;
}

/** The parts of the team's plan that are saved separately, each with its own change check. */
export const TEAM_PLAN_PARTS = ['teamResources', 'priorities'] as const;
export type TeamPlanPart = (typeof TEAM_PLAN_PARTS)[number];

/** The team recovery implementation plan as posted. */
export interface TeamPlanInput {
	teamResources: string;
	/** Challenge ids in priority order; at most PRIORITY_COUNT, no repeats. */
	priorities: string[];
	/**
	 * The fingerprint of each part as the person was shown it. A part without one is taken to have
	 * started from what is saved: it is written whenever it differs.
	 */
	originals?: Partial<Record<TeamPlanPart, string>>;
}

export interface AssessmentInput extends TeamPlanInput {
	scores: AgreedScoreInput[];
}

const longText = (label: string) => freeText(label, MAX_EVIDENCE_LENGTH, { kind: 'long' });

/** Reads the form's fields, noting each problem under the field's own name. */
function fieldReader(form: FormData, errors: FieldErrors) {
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' ? value : '';
	};
	const checkedText = (name: string, label: string) => {
		const parsed = longText(label).safeParse(text(name));
		if (!parsed.success) errors[name] = parsed.error.issues[0].message;
		return parsed.success ? parsed.data : '';
	};
	return { text, checkedText };
}

type Reader = ReturnType<typeof fieldReader>;

function readScore(
	form: FormData,
	{ text, checkedText }: Reader,
	errors: FieldErrors,
	challenge: FrameworkContent['challenges'][number],
	allowedLevels: Set<string>
): AgreedScoreInput {
	const field = (
		name: 'level' | 'evidence' | 'rationale' | 'sources' | 'nextStep' | 'revision' | 'original'
	) => agreedScoreField[name](challenge.id);
	const label = challenge.shortLabel;
	const rawLevel = text(field('level'));
	const levelKnown = rawLevel !== '' && allowedLevels.has(rawLevel);
	if (rawLevel !== '' && !levelKnown)
		errors[field('level')] = `Select one of the levels shown for ${label}`;
	const sources = z.array(z.enum(EVIDENCE_SOURCE_KEYS)).safeParse(form.getAll(field('sources')));
	if (!sources.success)
		errors[field('sources')] = `Select sources of evidence from the list for ${label}`;
	const rawRevision = text(field('revision'));
	return {
		challengeId: challenge.id,
		level: levelKnown ? Number(rawLevel) : null,
		evidence: checkedText(field('evidence'), `Evidence for ${label}`),
		rationale: checkedText(field('rationale'), `The reason for the level of ${label}`),
		evidenceSources: sources.success ? [...new Set(sources.data)] : [],
		nextStep: checkedText(field('nextStep'), `The next step for ${label}`),
		revision: rawRevision === '' ? 0 : /^\d{1,9}$/.test(rawRevision) ? Number(rawRevision) : -1,
		original: text(field('original'))
	};
}

function readPriorities({ text }: Reader, errors: FieldErrors, challengeIds: Set<string>) {
	const chosen: string[] = [];
	for (let rank = 1; rank <= PRIORITY_COUNT; rank++) {
		const name = agreedScoreField.priority(rank);
		const challengeId = text(name);
		if (challengeId === '') continue;
		if (!challengeIds.has(challengeId))
			errors[name] = `Select priority ${rank} from the list of challenges`;
		else if (chosen.includes(challengeId))
			errors[name] = `Priority ${rank} is already chosen above: choose a different challenge`;
		else chosen.push(challengeId);
	}
	return chosen;
}

function readTeamPlan(
	form: FormData,
	reader: Reader,
	errors: FieldErrors,
	content: FrameworkContent
): TeamPlanInput {
	const priorities = readPriorities(reader, errors, new Set(content.challenges.map((c) => c.id)));
	const teamResources = reader.checkedText(agreedScoreField.teamResources, "The team's resources");
	const originals: Partial<Record<TeamPlanPart, string>> = {};
	for (const part of TEAM_PLAN_PARTS) {
		const original = form.get(agreedScoreField.teamPlanOriginal(part));
		if (typeof original === 'string' && original !== '') originals[part] = original;
	}
	return { teamResources, priorities, originals };
}

/**
 * Reads the assessment form against this framework: levels must be on its scale, priorities must
 * be its challenges, text has a length limit. Field names carry challenge ids, so nothing else
 * is accepted.
 */
export function parseAssessmentForm(
	form: FormData,
	content: FrameworkContent
): { ok: true; input: AssessmentInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const reader = fieldReader(form, errors);
	const allowedLevels = new Set(content.scale.map((l) => String(l.value)));
	const scores = content.challenges.map((c) => readScore(form, reader, errors, c, allowedLevels));
	const plan = readTeamPlan(form, reader, errors, content);
	return Object.keys(errors).length > 0
		? { ok: false, errors }
		: { ok: true, input: { scores, ...plan } };
}

/** Reads the team's plan on its own, as it is saved once the assessment is complete. */
export function parseTeamPlanForm(
	form: FormData,
	content: FrameworkContent
): { ok: true; input: TeamPlanInput } | { ok: false; errors: FieldErrors } {
	const errors: FieldErrors = {};
	const plan = readTeamPlan(form, fieldReader(form, errors), errors, content);
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input: plan };
}
