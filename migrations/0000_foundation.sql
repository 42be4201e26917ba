CREATE TABLE `agreed_score` (
	`assessment_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`level` integer,
	`evidence` text DEFAULT '' NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	PRIMARY KEY(`assessment_id`, `challenge_id`),
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`updated_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `assessment` (
	`id` text PRIMARY KEY NOT NULL,
	`round_id` text NOT NULL,
	`service_id` text NOT NULL,
	`status` text DEFAULT 'in_progress' NOT NULL,
	`completed_at` integer,
	`completed_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`round_id`) REFERENCES `round`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`service_id`) REFERENCES `service`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`completed_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "assessment_status_check" CHECK("assessment"."status" in ('in_progress', 'complete'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assessment_round_service_idx` ON `assessment` (`round_id`,`service_id`);--> statement-breakpoint
CREATE INDEX `assessment_service_idx` ON `assessment` (`service_id`);--> statement-breakpoint
CREATE TABLE `audit_event` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`user_id` text,
	`organisation_id` text,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_event_organisation_at_idx` ON `audit_event` (`organisation_id`,`at`);--> statement-breakpoint
CREATE TABLE `challenge` (
	`id` text PRIMARY KEY NOT NULL,
	`framework_id` text NOT NULL,
	`pack_challenge_key` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`short_label` text NOT NULL,
	FOREIGN KEY (`framework_id`) REFERENCES `framework`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `challenge_framework_position_idx` ON `challenge` (`framework_id`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `challenge_framework_key_idx` ON `challenge` (`framework_id`,`pack_challenge_key`);--> statement-breakpoint
CREATE TABLE `framework` (
	`id` text PRIMARY KEY NOT NULL,
	`pack_key` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`attribution` text NOT NULL,
	`licence` text,
	`content_hash` text NOT NULL,
	`retired_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `framework_pack_version_idx` ON `framework` (`pack_key`,`version`);--> statement-breakpoint
CREATE TABLE `grouping` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`name` text NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grouping_organisation_name_idx` ON `grouping` (`organisation_id`,`name`);--> statement-breakpoint
CREATE TABLE `indicator` (
	`challenge_id` text NOT NULL,
	`level_value` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`challenge_id`, `level_value`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `level` (
	`framework_id` text NOT NULL,
	`value` integer NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	PRIMARY KEY(`framework_id`, `value`),
	FOREIGN KEY (`framework_id`) REFERENCES `framework`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `membership` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`organisation_id` text NOT NULL,
	`service_id` text,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `service`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `membership_user_idx` ON `membership` (`user_id`);--> statement-breakpoint
CREATE INDEX `membership_organisation_idx` ON `membership` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `organisation` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`ods_code` text,
	`grouping_label` text DEFAULT 'Directorate' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `round_service` (
	`round_id` text NOT NULL,
	`service_id` text NOT NULL,
	PRIMARY KEY(`round_id`, `service_id`),
	FOREIGN KEY (`round_id`) REFERENCES `round`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`service_id`) REFERENCES `service`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `round` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`framework_id` text NOT NULL,
	`title` text NOT NULL,
	`period_start` text NOT NULL,
	`period_end` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`created_at` integer NOT NULL,
	`opened_at` integer,
	`closed_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`framework_id`) REFERENCES `framework`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "round_status_check" CHECK("round"."status" in ('draft', 'open', 'closed'))
);
--> statement-breakpoint
CREATE INDEX `round_organisation_idx` ON `round` (`organisation_id`,`period_start`);--> statement-breakpoint
CREATE TABLE `service` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`grouping_id` text,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`grouping_id`) REFERENCES `grouping`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `service_organisation_idx` ON `service` (`organisation_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `service_organisation_name_idx` ON `service` (`organisation_id`,`name`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`secret_hash` blob NOT NULL,
	`created_at` integer NOT NULL,
	`last_verified_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_user_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`is_platform_admin` integer DEFAULT false NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);