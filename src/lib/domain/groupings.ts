/**
 * An organisation's word for its groupings, as it reads inside a sentence: "Care group" becomes
 * "care group", but an abbreviation such as "ICP" stays as it is.
 */
export function groupingWord(groupingLabel: string): string {
	const second = groupingLabel.charAt(1);
	if (second && second === second.toUpperCase() && second !== second.toLowerCase())
		return groupingLabel;
	return groupingLabel.charAt(0).toLowerCase() + groupingLabel.slice(1);
}

export interface GroupedServices<S> {
	/** Null for the services not in any grouping. */
	grouping: { id: string; name: string } | null;
	services: S[];
}

/**
 * Services under their grouping, in the order the groupings are given, with those in no grouping
 * last. Groupings without any of these services are left out.
 */
export function groupServices<S extends { groupingId: string | null }>(
	services: S[],
	groupings: { id: string; name: string }[]
): GroupedServices<S>[] {
	const groups: GroupedServices<S>[] = groupings.map((grouping) => ({
		grouping,
		services: services.filter((s) => s.groupingId === grouping.id)
	}));
	const known = new Set(groupings.map((g) => g.id));
	groups.push({
		grouping: null,
		services: services.filter((s) => s.groupingId === null || !known.has(s.groupingId))
	});
	return groups.filter((g) => g.services.length > 0);
}
