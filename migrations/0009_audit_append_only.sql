-- The audit trail is append-only: no statement may change or remove an event once written.
-- drizzle-kit cannot express triggers, so this is a custom migration (drizzle-kit generate --custom).
-- A later migration that rebuilds audit_event drops these triggers with the old table and must
-- create them again; tests/unit/audit-append-only.test.ts fails if it does not.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
	SELECT RAISE(ABORT, 'audit events cannot be deleted');
END;
