CREATE TABLE `audit_import` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`framework_id` text NOT NULL,
	`file_name` text NOT NULL,
	`fingerprint` text NOT NULL,
	`imported_by` text,
	`imported_at` integer NOT NULL,
	`undone_at` integer,
	`undone_by` text,
	`rounds` integer NOT NULL,
	`services` integer NOT NULL,
	`scores` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`framework_id`) REFERENCES `framework`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`imported_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`undone_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_import_organisation_fingerprint_idx` ON `audit_import` (`organisation_id`,`fingerprint`) WHERE "audit_import"."undone_at" is null;--> statement-breakpoint
CREATE INDEX `audit_import_organisation_at_idx` ON `audit_import` (`organisation_id`,`imported_at`);--> statement-breakpoint
ALTER TABLE `agreed_score` ADD `import_id` text REFERENCES audit_import(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `round` ADD `import_id` text REFERENCES audit_import(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `service` ADD `import_id` text REFERENCES audit_import(id) ON DELETE set null;