CREATE TABLE `action_note` (
	`id` text PRIMARY KEY NOT NULL,
	`action_id` text NOT NULL,
	`user_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `improvement_action`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `action_note_action_idx` ON `action_note` (`action_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `action_review` (
	`assessment_id` text NOT NULL,
	`action_id` text NOT NULL,
	`decision` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`reviewed_at` integer NOT NULL,
	`reviewed_by` text,
	PRIMARY KEY(`assessment_id`, `action_id`),
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`action_id`) REFERENCES `improvement_action`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`reviewed_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "action_review_decision_check" CHECK("action_review"."decision" in ('done', 'carried_forward', 'dropped'))
);
--> statement-breakpoint
CREATE TABLE `improvement_action` (
	`id` text PRIMARY KEY NOT NULL,
	`organisation_id` text NOT NULL,
	`service_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`assessment_id` text,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`owner_user_id` text,
	`owner_name` text,
	`start_date` text,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'not_started' NOT NULL,
	`outcome` text DEFAULT '' NOT NULL,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`created_by` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisation`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`service_id`) REFERENCES `service`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`owner_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "improvement_action_status_check" CHECK("improvement_action"."status" in ('not_started', 'in_progress', 'done', 'dropped'))
);
--> statement-breakpoint
CREATE INDEX `improvement_action_service_idx` ON `improvement_action` (`service_id`,`status`);--> statement-breakpoint
CREATE INDEX `improvement_action_organisation_idx` ON `improvement_action` (`organisation_id`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `improvement_action_owner_idx` ON `improvement_action` (`owner_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `improvement_action_assessment_idx` ON `improvement_action` (`assessment_id`);