import { sql } from 'drizzle-orm';
import {
	type AnySQLiteColumn,
	blob,
	check,
	foreignKey,
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';
// Relative imports: drizzle-kit reads this file without SvelteKit's $lib alias.
import { ACTION_STATUSES, REVIEW_DECISIONS } from '../../domain/actions';
import type { EvidenceSource } from '../../domain/evidence';
import { PERSPECTIVE_KEYS, PERSPECTIVE_NOT_CHOSEN } from '../../domain/ratings';
import { PARTICIPANT_SOURCES, RATING_ORDERS, SESSION_PACES } from '../../domain/rating-sessions';
import { ROLES } from '../../domain/roles';
import { ASSESSMENT_STATUSES, ROUND_STATUSES } from '../../domain/rounds';
import { SERVICE_TYPES } from '../../domain/services';
import { STRENGTH_TEXT_MAX } from '../../domain/strengths';

// Instants are UTC milliseconds since the epoch (integer); calendar dates are ISO text (YYYY-MM-DD).
const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });

export const users = sqliteTable('user', {
	id: text('id').primaryKey(),
	email: text('email').notNull().unique(),
	name: text('name').notNull(),
	passwordHash: text('password_hash').notNull(),
	isPlatformAdmin: integer('is_platform_admin', { mode: 'boolean' }).notNull().default(false),
	disabledAt: instant('disabled_at'),
	createdAt: instant('created_at').notNull()
});

export const sessions = sqliteTable(
	'session',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
		createdAt: instant('created_at').notNull(),
		lastVerifiedAt: instant('last_verified_at').notNull()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

export const organisations = sqliteTable('organisation', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	odsCode: text('ods_code'),
	groupingLabel: text('grouping_label').notNull().default('Directorate'),
	/** Everyone with a role in the organisation must sign in with a code as well as a password. */
	mfaRequired: integer('mfa_required', { mode: 'boolean' }).notNull().default(false),
	createdAt: instant('created_at').notNull()
});

export const groupings = sqliteTable(
	'grouping',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'restrict' }),
		name: text('name').notNull()
	},
	(t) => [uniqueIndex('grouping_organisation_name_idx').on(t.organisationId, t.name)]
);

export const services = sqliteTable(
	'service',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'restrict' }),
		groupingId: text('grouping_id').references(() => groupings.id, { onDelete: 'set null' }),
		name: text('name').notNull(),
		type: text('type', { enum: SERVICE_TYPES }).notNull(),
		archivedAt: instant('archived_at'),
		createdAt: instant('created_at').notNull(),
		/** The import of past audits that created it, if one did. */
		importId: text('import_id').references((): AnySQLiteColumn => auditImports.id, {
			onDelete: 'set null'
		})
	},
	(t) => [
		index('service_organisation_idx').on(t.organisationId),
		uniqueIndex('service_organisation_name_idx').on(t.organisationId, t.name),
		index('service_grouping_idx').on(t.groupingId)
	]
);

/** A person's role in one organisation, or in one service of it when serviceId is set. */
export const memberships = sqliteTable(
	'membership',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		serviceId: text('service_id').references(() => services.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ROLES }).notNull(),
		createdAt: instant('created_at').notNull()
	},
	(t) => [
		index('membership_user_idx').on(t.userId),
		index('membership_organisation_idx').on(t.organisationId)
	]
);

/**
 * An offer of a role, sent as a single-use link. Only a hash of the link's secret is stored; the
 * role is granted when the link is accepted, and the row is kept as a record either way.
 */
export const invitations = sqliteTable(
	'invitation',
	{
		id: text('id').primaryKey(),
		tokenHash: text('token_hash').notNull().unique(),
		email: text('email').notNull(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		serviceId: text('service_id').references(() => services.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ROLES }).notNull(),
		invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: instant('created_at').notNull(),
		expiresAt: instant('expires_at').notNull(),
		acceptedAt: instant('accepted_at'),
		acceptedBy: text('accepted_by').references(() => users.id, { onDelete: 'set null' }),
		withdrawnAt: instant('withdrawn_at')
	},
	(t) => [index('invitation_organisation_idx').on(t.organisationId, t.createdAt)]
);

/** A single-use link an administrator issues so a person can set a new password. */
export const passwordResets = sqliteTable(
	'password_reset',
	{
		id: text('id').primaryKey(),
		tokenHash: text('token_hash').notNull().unique(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		issuedBy: text('issued_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: instant('created_at').notNull(),
		expiresAt: instant('expires_at').notNull(),
		usedAt: instant('used_at')
	},
	(t) => [index('password_reset_user_idx').on(t.userId)]
);

/**
 * A person's authenticator app (TOTP). The shared secret is stored encrypted (see
 * auth/secret-box.ts); until a first code confirms it, `confirmedAt` is null and it is not used to
 * sign in. `lastUsedStep` is the 30-second step of the last code accepted, so no code works twice.
 */
export const totpCredentials = sqliteTable('totp_credential', {
	userId: text('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	encryptedSecret: blob('encrypted_secret', { mode: 'buffer' }).notNull(),
	createdAt: instant('created_at').notNull(),
	confirmedAt: instant('confirmed_at'),
	lastUsedStep: integer('last_used_step')
});

/** Single-use codes to sign in without the authenticator app; only a hash of each is stored. */
export const recoveryCodes = sqliteTable(
	'recovery_code',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		createdAt: instant('created_at').notNull(),
		usedAt: instant('used_at')
	},
	(t) => [index('recovery_code_user_idx').on(t.userId)]
);

export const frameworks = sqliteTable(
	'framework',
	{
		id: text('id').primaryKey(),
		/** The pack's own identifier, shared by every version of it. */
		packKey: text('pack_key').notNull(),
		version: integer('version').notNull(),
		name: text('name').notNull(),
		attribution: text('attribution').notNull(),
		licence: text('licence'),
		contentHash: text('content_hash').notNull(),
		retiredAt: instant('retired_at'),
		createdAt: instant('created_at').notNull()
	},
	(t) => [uniqueIndex('framework_pack_version_idx').on(t.packKey, t.version)]
);

/**
 * One import of past audits from a spreadsheet: the rows it created (rounds, services, agreed
 * scores) carry its id, so each imported score can say where it came from, and the whole import
 * can be undone while nothing has been added on top of it. `fingerprint` is the SHA-256 of the
 * import's canonical content, so importing the same file again adds nothing.
 */
export const auditImports = sqliteTable(
	'audit_import',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'restrict' }),
		frameworkId: text('framework_id')
			.notNull()
			.references(() => frameworks.id, { onDelete: 'restrict' }),
		fileName: text('file_name').notNull(),
		fingerprint: text('fingerprint').notNull(),
		importedBy: text('imported_by').references(() => users.id, { onDelete: 'set null' }),
		importedAt: instant('imported_at').notNull(),
		undoneAt: instant('undone_at'),
		undoneBy: text('undone_by').references(() => users.id, { onDelete: 'set null' }),
		rounds: integer('rounds').notNull(),
		services: integer('services').notNull(),
		scores: integer('scores').notNull()
	},
	(t) => [
		// One live import per content: once undone, the same file may be imported again.
		uniqueIndex('audit_import_organisation_fingerprint_idx')
			.on(t.organisationId, t.fingerprint)
			.where(sql`${t.undoneAt} is null`),
		index('audit_import_organisation_at_idx').on(t.organisationId, t.importedAt)
	]
);

/**
 * A past-audits file uploaded and waiting on its preview: kept so the person can map columns and
 * choose services across several requests (JavaScript off) without sending the file again, and
 * deleted once imported, discarded, replaced by their next upload, or a day old.
 */
export const importUploads = sqliteTable(
	'import_upload',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		frameworkId: text('framework_id')
			.notNull()
			.references(() => frameworks.id, { onDelete: 'cascade' }),
		uploadedBy: text('uploaded_by')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		uploadedAt: instant('uploaded_at').notNull(),
		fileName: text('file_name').notNull(),
		content: blob('content', { mode: 'buffer' }).notNull(),
		/** JSON: heading → field or "ignore", as chosen on the preview. */
		mapping: text('mapping').notNull().default('{}'),
		/** JSON: service name as written → an existing service's id, or "new". */
		serviceChoices: text('service_choices').notNull().default('{}')
	},
	(t) => [index('import_upload_uploaded_by_idx').on(t.uploadedBy, t.organisationId)]
);

export const challenges = sqliteTable(
	'challenge',
	{
		id: text('id').primaryKey(),
		frameworkId: text('framework_id')
			.notNull()
			.references(() => frameworks.id, { onDelete: 'restrict' }),
		/** The challenge's identifier inside its pack, stable across versions. */
		packChallengeKey: text('pack_challenge_key').notNull(),
		position: integer('position').notNull(),
		name: text('name').notNull(),
		shortLabel: text('short_label').notNull()
	},
	(t) => [
		uniqueIndex('challenge_framework_position_idx').on(t.frameworkId, t.position),
		uniqueIndex('challenge_framework_key_idx').on(t.frameworkId, t.packChallengeKey)
	]
);

export const levels = sqliteTable(
	'level',
	{
		frameworkId: text('framework_id')
			.notNull()
			.references(() => frameworks.id, { onDelete: 'restrict' }),
		value: integer('value').notNull(),
		name: text('name').notNull(),
		description: text('description').notNull()
	},
	(t) => [primaryKey({ columns: [t.frameworkId, t.value] })]
);

export const indicators = sqliteTable(
	'indicator',
	{
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		levelValue: integer('level_value').notNull(),
		text: text('text').notNull()
	},
	(t) => [primaryKey({ columns: [t.challengeId, t.levelValue] })]
);

export const rounds = sqliteTable(
	'round',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'restrict' }),
		frameworkId: text('framework_id')
			.notNull()
			.references(() => frameworks.id, { onDelete: 'restrict' }),
		title: text('title').notNull(),
		periodStart: text('period_start').notNull(),
		periodEnd: text('period_end').notNull(),
		status: text('status', { enum: ROUND_STATUSES }).notNull().default('draft'),
		createdAt: instant('created_at').notNull(),
		openedAt: instant('opened_at'),
		closedAt: instant('closed_at'),
		/** The import of past audits that created it, if one did. */
		importId: text('import_id').references((): AnySQLiteColumn => auditImports.id, {
			onDelete: 'set null'
		})
	},
	(t) => [
		index('round_organisation_idx').on(t.organisationId, t.periodStart),
		check('round_status_check', sql`${t.status} in ('draft', 'open', 'closed')`)
	]
);

/** The services taking part in a round; opening the round gives each an assessment. */
export const roundServices = sqliteTable(
	'round_service',
	{
		roundId: text('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'cascade' }),
		serviceId: text('service_id')
			.notNull()
			.references(() => services.id, { onDelete: 'restrict' })
	},
	(t) => [primaryKey({ columns: [t.roundId, t.serviceId] })]
);

export const assessments = sqliteTable(
	'assessment',
	{
		id: text('id').primaryKey(),
		roundId: text('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'restrict' }),
		serviceId: text('service_id')
			.notNull()
			.references(() => services.id, { onDelete: 'restrict' }),
		status: text('status', { enum: ASSESSMENT_STATUSES }).notNull().default('in_progress'),
		/** TRIP part 1: the skills, interests and lived experience staff and service users bring. */
		teamResources: text('team_resources').notNull().default(''),
		/**
		 * Whether raters rate privately before they discuss (the default), or discuss first. No check
		 * constraint: adding one would make drizzle-kit rebuild this table, which other tables reference.
		 */
		ratingOrder: text('rating_order', { enum: RATING_ORDERS }).notNull().default('rate_first'),
		completedAt: instant('completed_at'),
		completedBy: text('completed_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: instant('created_at').notNull()
	},
	(t) => [
		uniqueIndex('assessment_round_service_idx').on(t.roundId, t.serviceId),
		index('assessment_service_idx').on(t.serviceId),
		check('assessment_status_check', sql`${t.status} in ('in_progress', 'complete')`)
	]
);

export const agreedScores = sqliteTable(
	'agreed_score',
	{
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		/** Null while the team has written evidence but not yet agreed a level. */
		level: integer('level'),
		evidence: text('evidence').notNull().default(''),
		rationale: text('rationale').notNull().default(''),
		/** The kinds of evidence behind the level, as a JSON list. */
		evidenceSources: text('evidence_sources', { mode: 'json' })
			.$type<EvidenceSource[]>()
			.notNull()
			.default(sql`'[]'`),
		/** What would move the service to the next level. */
		nextStep: text('next_step').notNull().default(''),
		/** Bumped on every save, for refusing a stale overwrite. */
		revision: integer('revision').notNull().default(1),
		updatedAt: instant('updated_at').notNull(),
		updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
		/** The import of past audits that created it, if one did. */
		importId: text('import_id').references((): AnySQLiteColumn => auditImports.id, {
			onDelete: 'set null'
		})
	},
	(t) => [primaryKey({ columns: [t.assessmentId, t.challengeId] })]
);

/** A person invited to give their own rating in an assessment, and from which perspective. */
export const assessmentRaters = sqliteTable(
	'assessment_rater',
	{
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'restrict' }),
		/** PERSPECTIVE_NOT_CHOSEN until the rater chooses. */
		perspective: text('perspective', {
			enum: [PERSPECTIVE_NOT_CHOSEN, ...PERSPECTIVE_KEYS]
		}).notNull(),
		invitedAt: instant('invited_at').notNull(),
		submittedAt: instant('submitted_at')
	},
	(t) => [primaryKey({ columns: [t.assessmentId, t.userId] })]
);

/** One rater's own level for one challenge; null level with dontKnow for "don't know". */
export const ratings = sqliteTable(
	'rating',
	{
		assessmentId: text('assessment_id').notNull(),
		userId: text('user_id').notNull(),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		level: integer('level'),
		dontKnow: integer('dont_know', { mode: 'boolean' }).notNull().default(false),
		comment: text('comment').notNull().default(''),
		updatedAt: instant('updated_at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.assessmentId, t.userId, t.challengeId] }),
		foreignKey({
			columns: [t.assessmentId, t.userId],
			foreignColumns: [assessmentRaters.assessmentId, assessmentRaters.userId]
		}).onDelete('restrict'),
		index('rating_challenge_idx').on(t.assessmentId, t.challengeId)
	]
);

/**
 * A live rating session: the room joins an assessment with a short code on their phones, without
 * accounts. Open until closed, or until `closesAt` (4 hours from the start) at most.
 */
export const ratingSessions = sqliteTable(
	'rating_session',
	{
		id: text('id').primaryKey(),
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		/** Shown on the room's screen while the session is open; worth nothing once it closes. */
		joinCode: text('join_code').notNull(),
		pace: text('pace', { enum: SESSION_PACES }).notNull(),
		/** The challenge the room is on, when it moves together. */
		currentChallengeId: text('current_challenge_id').references(() => challenges.id, {
			onDelete: 'restrict'
		}),
		startedBy: text('started_by').references(() => users.id, { onDelete: 'set null' }),
		startedAt: instant('started_at').notNull(),
		closesAt: instant('closes_at').notNull(),
		closedAt: instant('closed_at'),
		closedBy: text('closed_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('rating_session_join_code_idx').on(t.joinCode),
		index('rating_session_assessment_idx').on(t.assessmentId),
		check('rating_session_pace_check', sql`${t.pace} in ('together', 'own_pace')`),
		check('rating_session_closes_check', sql`${t.closesAt} > ${t.startedAt}`)
	]
);

/** A challenge whose anonymous spread the facilitator has shown the room. */
export const ratingSessionReveals = sqliteTable(
	'rating_session_reveal',
	{
		ratingSessionId: text('rating_session_id')
			.notNull()
			.references(() => ratingSessions.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		revealedAt: instant('revealed_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.ratingSessionId, t.challengeId] })]
);

/**
 * Someone who rates without an account: in a rating session on their phone (known to the server
 * only by a secret their browser holds), or on a paper sheet that someone entered. Nothing here
 * identifies them: only their perspective.
 */
export const participants = sqliteTable(
	'participant',
	{
		id: text('id').primaryKey(),
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		source: text('source', { enum: PARTICIPANT_SOURCES }).notNull(),
		/** The session they joined; null for a paper sheet. */
		ratingSessionId: text('rating_session_id').references(() => ratingSessions.id, {
			onDelete: 'restrict'
		}),
		/** SHA-256 of the secret in the participant's cookie; null for a paper sheet. */
		secretHash: blob('secret_hash', { mode: 'buffer' }),
		perspective: text('perspective', { enum: PERSPECTIVE_KEYS }).notNull(),
		/** Who typed in a paper sheet. */
		enteredBy: text('entered_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: instant('created_at').notNull(),
		submittedAt: instant('submitted_at')
	},
	(t) => [
		index('participant_assessment_idx').on(t.assessmentId),
		index('participant_session_idx').on(t.ratingSessionId),
		check(
			'participant_source_check',
			sql`(${t.source} = 'session' and ${t.ratingSessionId} is not null and ${t.secretHash} is not null) or (${t.source} = 'paper' and ${t.ratingSessionId} is null and ${t.secretHash} is null)`
		)
	]
);

/** A participant's level for one challenge; null level with dontKnow for "don't know". */
export const participantRatings = sqliteTable(
	'participant_rating',
	{
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		level: integer('level'),
		dontKnow: integer('dont_know', { mode: 'boolean' }).notNull().default(false),
		comment: text('comment').notNull().default(''),
		updatedAt: instant('updated_at').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.participantId, t.challengeId] }),
		index('participant_rating_challenge_idx').on(t.challengeId),
		check(
			'participant_rating_answer_check',
			sql`not (${t.dontKnow} = 1 and ${t.level} is not null)`
		)
	]
);

/** TRIP part 3: the team's top priorities (ranked 1 to 3) for the next period. */
export const priorities = sqliteTable(
	'priority',
	{
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		rank: integer('rank').notNull(),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' })
	},
	(t) => [
		primaryKey({ columns: [t.assessmentId, t.rank] }),
		uniqueIndex('priority_assessment_challenge_idx').on(t.assessmentId, t.challengeId),
		check('priority_rank_check', sql`${t.rank} between 1 and 3`)
	]
);

/**
 * TRIP: something the team does well, about one challenge or (no challenge) across the service.
 * Carried into the next round only when the team confirms it is still true: the copy then names the
 * strength it came from.
 */
export const strengths = sqliteTable(
	'strength',
	{
		id: text('id').primaryKey(),
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id').references(() => challenges.id, { onDelete: 'restrict' }),
		text: text('text').notNull(),
		/** The previous round's strength this one was confirmed from. */
		carriedFromId: text('carried_from_id').references((): AnySQLiteColumn => strengths.id, {
			onDelete: 'set null'
		}),
		recordedAt: instant('recorded_at').notNull(),
		recordedBy: text('recorded_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		index('strength_assessment_idx').on(t.assessmentId, t.recordedAt),
		uniqueIndex('strength_carried_from_idx').on(t.assessmentId, t.carriedFromId),
		check(
			'strength_text_check',
			sql`length(trim(${t.text})) between 1 and ${sql.raw(String(STRENGTH_TEXT_MAX))}`
		),
		check(
			'strength_carried_from_check',
			sql`${t.carriedFromId} is null or ${t.carriedFromId} <> ${t.id}`
		)
	]
);

/** A previous round's strength the team said is no longer true, so it is not offered again. */
export const droppedStrengths = sqliteTable(
	'dropped_strength',
	{
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		strengthId: text('strength_id')
			.notNull()
			.references(() => strengths.id, { onDelete: 'cascade' }),
		droppedAt: instant('dropped_at').notNull(),
		droppedBy: text('dropped_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [primaryKey({ columns: [t.assessmentId, t.strengthId] })]
);

/** A remark on an assessment, e.g. a facilitator's, who may comment but never change scores. */
export const assessmentComments = sqliteTable(
	'assessment_comment',
	{
		id: text('id').primaryKey(),
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		body: text('body').notNull(),
		createdAt: instant('created_at').notNull()
	},
	(t) => [index('assessment_comment_assessment_idx').on(t.assessmentId, t.createdAt)]
);

/** Append-only: the app inserts rows and never updates or deletes them. */
export const auditEvents = sqliteTable(
	'audit_event',
	{
		id: text('id').primaryKey(),
		at: instant('at').notNull(),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		organisationId: text('organisation_id').references(() => organisations.id, {
			onDelete: 'set null'
		}),
		/** The service the change concerns, when there is one, so the trail can be filtered by it. */
		serviceId: text('service_id').references(() => services.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		entityType: text('entity_type').notNull(),
		entityId: text('entity_id').notNull(),
		before: text('before', { mode: 'json' }),
		after: text('after', { mode: 'json' })
	},
	(t) => [
		index('audit_event_organisation_at_idx').on(t.organisationId, t.at),
		index('audit_event_user_at_idx').on(t.userId, t.at),
		index('audit_event_service_at_idx').on(t.serviceId, t.at)
	]
);

/** An improvement action in a service's plan, about one challenge. */
export const improvementActions = sqliteTable(
	'improvement_action',
	{
		id: text('id').primaryKey(),
		organisationId: text('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'restrict' }),
		serviceId: text('service_id')
			.notNull()
			.references(() => services.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		/** The assessment that prompted the action. */
		assessmentId: text('assessment_id').references(() => assessments.id, { onDelete: 'restrict' }),
		title: text('title').notNull(),
		description: text('description').notNull().default(''),
		/** A member who owns the action, or else ownerName for someone without an account. */
		ownerUserId: text('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
		ownerName: text('owner_name'),
		startDate: text('start_date'),
		dueDate: text('due_date').notNull(),
		status: text('status', { enum: ACTION_STATUSES }).notNull().default('not_started'),
		/** What happened, written when the action is done or dropped. */
		outcome: text('outcome').notNull().default(''),
		closedAt: instant('closed_at'),
		createdAt: instant('created_at').notNull(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: instant('updated_at').notNull()
	},
	(t) => [
		index('improvement_action_service_idx').on(t.serviceId, t.status),
		index('improvement_action_organisation_idx').on(t.organisationId, t.status, t.dueDate),
		index('improvement_action_owner_idx').on(t.ownerUserId, t.status),
		index('improvement_action_assessment_idx').on(t.assessmentId),
		check(
			'improvement_action_status_check',
			sql`${t.status} in ('not_started', 'in_progress', 'done', 'dropped')`
		)
	]
);

/** A dated note of progress on an action. */
export const actionNotes = sqliteTable(
	'action_note',
	{
		id: text('id').primaryKey(),
		actionId: text('action_id')
			.notNull()
			.references(() => improvementActions.id, { onDelete: 'restrict' }),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		body: text('body').notNull(),
		createdAt: instant('created_at').notNull()
	},
	(t) => [index('action_note_action_idx').on(t.actionId, t.createdAt)]
);

/** The decision, at a service's next assessment, on an action still open when it started. */
export const actionReviews = sqliteTable(
	'action_review',
	{
		assessmentId: text('assessment_id')
			.notNull()
			.references(() => assessments.id, { onDelete: 'restrict' }),
		actionId: text('action_id')
			.notNull()
			.references(() => improvementActions.id, { onDelete: 'restrict' }),
		decision: text('decision', { enum: REVIEW_DECISIONS }).notNull(),
		note: text('note').notNull().default(''),
		reviewedAt: instant('reviewed_at').notNull(),
		reviewedBy: text('reviewed_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		primaryKey({ columns: [t.assessmentId, t.actionId] }),
		check(
			'action_review_decision_check',
			sql`${t.decision} in ('done', 'carried_forward', 'dropped')`
		)
	]
);

/**
 * How many services in a round agreed each level of each challenge, counting completed
 * assessments only. Written in the same transaction that completes an assessment (completion is
 * final, so the counts never go stale); it lets cross-site views read a few thousand rows instead
 * of every agreed score on the server.
 */
export const roundLevelCounts = sqliteTable(
	'round_level_count',
	{
		roundId: text('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'restrict' }),
		challengeId: text('challenge_id')
			.notNull()
			.references(() => challenges.id, { onDelete: 'restrict' }),
		level: integer('level').notNull(),
		services: integer('services').notNull()
	},
	(t) => [primaryKey({ columns: [t.roundId, t.challengeId, t.level] })]
);

/**
 * round_level_count summed over challenges: per round, how many agreed scores were at each level.
 * Kept in the same transaction; a site's trend reads one small row per round and level.
 */
export const roundLevelTotals = sqliteTable(
	'round_level_total',
	{
		roundId: text('round_id')
			.notNull()
			.references(() => rounds.id, { onDelete: 'restrict' }),
		level: integer('level').notNull(),
		scores: integer('scores').notNull()
	},
	(t) => [primaryKey({ columns: [t.roundId, t.level] })]
);

/**
 * A personal token for the read API. Only the SHA-256 of its secret is stored (the secret has 160
 * random bits, so a plain hash is enough: nothing to guess, nothing to stretch). It reads what its
 * person may read at the moment of each call, never more: it holds no roles of its own.
 */
export const apiTokens = sqliteTable(
	'api_token',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		secretHash: text('secret_hash').notNull().unique(),
		createdAt: instant('created_at').notNull(),
		expiresAt: instant('expires_at').notNull(),
		/** Written at most once a minute, so a busy token does not write on every call. */
		lastUsedAt: instant('last_used_at'),
		revokedAt: instant('revoked_at'),
		revokedBy: text('revoked_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [index('api_token_user_idx').on(t.userId, t.createdAt)]
);

/** API calls counted per token, hour and request (endpoint and filters), so the trail stays short. */
export const apiTokenUsage = sqliteTable(
	'api_token_usage',
	{
		tokenId: text('token_id')
			.notNull()
			.references(() => apiTokens.id, { onDelete: 'cascade' }),
		/** The start of the hour, UTC. */
		hour: instant('hour').notNull(),
		/** The endpoint and its filters, e.g. "/api/v1/scores?format=csv&round=…". */
		request: text('request').notNull(),
		calls: integer('calls').notNull()
	},
	(t) => [primaryKey({ columns: [t.tokenId, t.hour, t.request] })]
);
