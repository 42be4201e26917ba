import Database from 'better-sqlite3';
import { VISITORS } from '../route-rules';

// The three places where tests/route-rules.ts and tests/action-rules.ts expect answers, as ids read
// from a demo server's database. See tests/route-rules.ts for what each place is. A place's
// grouping is its service's. Its improvement action is the one the demo rater owns, if its service
// has one (only home does), so that who may add a progress note does not depend on the order of
// random ids.

export type Place = 'home' | 'sibling' | 'elsewhere';
export const PLACES: Place[] = ['home', 'sibling', 'elsewhere'];

/** Route parameter values, by parameter name, for one place. */
export type PlaceIds = Record<string, string>;

function idsFor(db: Database.Database, organisationName: string, serviceName?: string): PlaceIds {
	const row = db
		.prepare(
			`SELECT o.id AS organisation, s.id AS service, s.grouping_id AS grouping, r.id AS round, a.id AS assessment, r.framework_id AS framework,
			   (SELECT id FROM improvement_action WHERE service_id = s.id
			    ORDER BY owner_user_id IS (SELECT id FROM user WHERE email = ?) DESC,
			      created_at, id LIMIT 1) AS action,
			   (SELECT id FROM round WHERE organisation_id = o.id AND status = 'closed'
			    ORDER BY period_start DESC, id LIMIT 1) AS closedRound
			 FROM organisation o
			 JOIN service s ON s.organisation_id = o.id
			 JOIN round r ON r.organisation_id = o.id AND r.status = 'open'
			 JOIN assessment a ON a.round_id = r.id AND a.service_id = s.id
			 WHERE o.name = ? AND (? IS NULL OR s.name = ?)
			   AND EXISTS (SELECT 1 FROM improvement_action WHERE service_id = s.id)
			 ORDER BY s.name LIMIT 1`
		)
		.get(
			VISITORS.rater.email,
			organisationName,
			serviceName ?? null,
			serviceName ?? null
		) as PlaceIds;
	return { ...row, token: 'not-a-real-token' };
}

/** The ids of each place on the demo data: home, a sibling service, and another organisation. */
export function demoPlaces(databasePath: string): Record<Place, PlaceIds> {
	const db = new Database(databasePath, { readonly: true });
	try {
		return {
			home: idsFor(
				db,
				'Northmoor Mental Health NHS Foundation Trust',
				'Ashford Community Mental Health Team'
			),
			sibling: idsFor(
				db,
				'Northmoor Mental Health NHS Foundation Trust',
				'Willow Ward (acute inpatient)'
			),
			elsewhere: idsFor(db, 'Eastgate Community Care NHS Trust')
		};
	} finally {
		db.close();
	}
}
