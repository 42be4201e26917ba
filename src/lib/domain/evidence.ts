/** Where the evidence for an agreed level comes from (after the Scottish Recovery Indicator's sources). */
export const EVIDENCE_SOURCES = [
	{ key: 'assessments', label: 'Assessments' },
	{ key: 'care_plans', label: 'Care plans' },
	{ key: 'service_information', label: 'Service information' },
	{ key: 'staff_views', label: 'Staff views' },
	{ key: 'service_user_views', label: 'Views of people using the service' },
	{ key: 'carer_views', label: 'Carer views' },
	{ key: 'other', label: 'Other' }
] as const;

export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number]['key'];

export const EVIDENCE_SOURCE_KEYS = EVIDENCE_SOURCES.map((s) => s.key) as [
	EvidenceSource,
	...EvidenceSource[]
];

/** The team's top priorities for the next period (TRIP part 3). */
export const PRIORITY_COUNT = 3;
