/** Where the evidence for an agreed level comes from (after the Scottish Recovery Indicator's sources). */
export const EVIDENCE_SOURCE_KEYS = [
	'assessments',
	'care_plans',
	'service_information',
	'staff_views',
	'service_user_views',
	'carer_views',
	'other'
] as const;

export type EvidenceSource = (typeof EVIDENCE_SOURCE_KEYS)[number];

export const EVIDENCE_SOURCE_LABELS: Record<EvidenceSource, string> = {
	assessments: 'Assessments',
	care_plans: 'Care plans',
	service_information: 'Service information',
	staff_views: 'Staff views',
	service_user_views: 'Views of people using the service',
	carer_views: 'Carer views',
	other: 'Other'
};

/** The sources in the order the form lists them, with their labels. */
export const EVIDENCE_SOURCES = EVIDENCE_SOURCE_KEYS.map((key) => ({
	key,
	label: EVIDENCE_SOURCE_LABELS[key]
}));

/** The team's top priorities for the next period (TRIP part 3). */
export const PRIORITY_COUNT = 3;
