/** Kinds of service that assess themselves; the list a person picks from when adding one. */
export const SERVICE_TYPES = [
	'Community mental health team',
	'Crisis resolution and home treatment',
	'Early intervention in psychosis',
	'Acute inpatient ward',
	'Psychiatric intensive care unit',
	'Rehabilitation',
	'Forensic or secure service',
	'Older adults',
	'Perinatal',
	'Child and adolescent (CAMHS)',
	'Learning disability',
	'Eating disorders',
	'Recovery college',
	'Individual placement and support (employment)',
	'Peer support service',
	'Voluntary-sector partner service',
	'Other'
] as const;

export type ServiceType = (typeof SERVICE_TYPES)[number];
