// The names of form fields that repeat once per challenge or per action. The page that renders
// such a form and the server that reads it both take the names from here, so they cannot drift.

/** The agreeing form: one set of fields per challenge, then the team's plan. */
export const agreedScoreField = {
	level: (challengeId: string) => `level-${challengeId}`,
	evidence: (challengeId: string) => `evidence-${challengeId}`,
	rationale: (challengeId: string) => `rationale-${challengeId}`,
	sources: (challengeId: string) => `sources-${challengeId}`,
	nextStep: (challengeId: string) => `nextStep-${challengeId}`,
	/** The saved score's revision when the page was read (0 when nothing was saved). */
	revision: (challengeId: string) => `revision-${challengeId}`,
	/** A fingerprint of the values the person started from, to tell their own changes apart. */
	original: (challengeId: string) => `original-${challengeId}`,
	priority: (rank: number) => `priority${rank}`,
	teamResources: 'teamResources',
	/** A fingerprint of one part of the team's plan as the person was shown it. */
	teamPlanOriginal: (part: 'teamResources' | 'priorities') => `planOriginal-${part}`,
	/** Where a save button takes the person back to: a challenge's id, or `team-plan`. */
	backTo: 'backTo'
} as const;

/** The strengths part of the team's plan: one strength at a time, each in its own small form. */
export const strengthField = {
	text: 'strengthText',
	/** A challenge's id, or empty for a strength across the service. */
	challenge: 'strengthChallenge',
	/** The strength being changed or removed. */
	strength: 'strength',
	/** A fingerprint of the strength being changed, as the person was shown it. */
	original: 'strengthOriginal',
	/** The previous round's strength being confirmed or dropped. */
	previous: 'previousStrength'
} as const;

/** The review of last round's actions: a decision and a note per action. */
export const reviewField = {
	decision: (actionId: string) => `decision-${actionId}`,
	note: (actionId: string) => `note-${actionId}`
} as const;

/** The day, month and year boxes of a date, named after it: `due` → dueDay, dueMonth, dueYear. */
export const dateField = {
	day: (prefix: string) => `${prefix}Day`,
	month: (prefix: string) => `${prefix}Month`,
	year: (prefix: string) => `${prefix}Year`
} as const;

/** The fields of a paper rating sheet typed in by the person who runs the assessment. */
export const paperSheetField = {
	perspective: 'perspective',
	level: (challengeId: string) => `level-${challengeId}`,
	comment: (challengeId: string) => `comment-${challengeId}`,
	/** The sheet to remove. */
	sheet: 'sheet'
};
