// The steps that set an organisation up for its first round, each ticked from what the data
// already shows (never a flag someone sets), and gone once the organisation has a round.

export const FIRST_RUN_STEPS = ['services', 'groupings', 'leads', 'round'] as const;
export type FirstRunStep = (typeof FIRST_RUN_STEPS)[number];

export interface FirstRunFacts {
	/** Active services. */
	services: number;
	/** Active services that belong to a grouping. */
	groupedServices: number;
	/** Active services with a lead, or a lead invited who has not yet answered. */
	ledServices: number;
	rounds: number;
}

export interface FirstRunItem {
	step: FirstRunStep;
	done: boolean;
	/** How far the step has got, in words, when there is something to say. */
	progress: string | null;
}

const services = (n: number) => `${n} service${n === 1 ? '' : 's'}`;

/**
 * The checklist for an organisation with no round yet, or null once it has one. A step over the
 * services (grouping them, inviting their leads) is done when it is done for every service.
 */
export function firstRunChecklist(
	facts: FirstRunFacts,
	groupingWord: string
): FirstRunItem[] | null {
	if (facts.rounds > 0) return null;
	const some = facts.services > 0;
	const outOf = (n: number, what: string) =>
		some ? `${n} of ${services(facts.services)} ${what}` : null;
	return [
		{
			step: 'services',
			done: some,
			progress: some ? `${services(facts.services)} added` : null
		},
		{
			step: 'groupings',
			done: some && facts.groupedServices === facts.services,
			progress: outOf(facts.groupedServices, `in a ${groupingWord}`)
		},
		{
			step: 'leads',
			done: some && facts.ledServices === facts.services,
			progress: outOf(facts.ledServices, 'with a lead or a lead invited')
		},
		{ step: 'round', done: false, progress: null }
	];
}
