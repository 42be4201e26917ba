CREATE TABLE `assessment_rater` (
	`assessment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`perspective` text NOT NULL,
	`invited_at` integer NOT NULL,
	`submitted_at` integer,
	PRIMARY KEY(`assessment_id`, `user_id`),
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `priority` (
	`assessment_id` text NOT NULL,
	`rank` integer NOT NULL,
	`challenge_id` text NOT NULL,
	PRIMARY KEY(`assessment_id`, `rank`),
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "priority_rank_check" CHECK("priority"."rank" between 1 and 3)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `priority_assessment_challenge_idx` ON `priority` (`assessment_id`,`challenge_id`);--> statement-breakpoint
CREATE TABLE `rating` (
	`assessment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`level` integer,
	`dont_know` integer DEFAULT false NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`assessment_id`, `user_id`, `challenge_id`),
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`assessment_id`,`user_id`) REFERENCES `assessment_rater`(`assessment_id`,`user_id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `rating_challenge_idx` ON `rating` (`assessment_id`,`challenge_id`);--> statement-breakpoint
ALTER TABLE `agreed_score` ADD `rationale` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `agreed_score` ADD `evidence_sources` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `agreed_score` ADD `next_step` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `assessment` ADD `team_resources` text DEFAULT '' NOT NULL;