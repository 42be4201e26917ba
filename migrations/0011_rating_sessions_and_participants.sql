CREATE TABLE `participant_rating` (
	`participant_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`level` integer,
	`dont_know` integer DEFAULT false NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`participant_id`, `challenge_id`),
	FOREIGN KEY (`participant_id`) REFERENCES `participant`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "participant_rating_answer_check" CHECK(not ("participant_rating"."dont_know" = 1 and "participant_rating"."level" is not null))
);
--> statement-breakpoint
CREATE INDEX `participant_rating_challenge_idx` ON `participant_rating` (`challenge_id`);--> statement-breakpoint
CREATE TABLE `participant` (
	`id` text PRIMARY KEY NOT NULL,
	`assessment_id` text NOT NULL,
	`source` text NOT NULL,
	`rating_session_id` text,
	`secret_hash` blob,
	`perspective` text NOT NULL,
	`entered_by` text,
	`created_at` integer NOT NULL,
	`submitted_at` integer,
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`rating_session_id`) REFERENCES `rating_session`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`entered_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "participant_source_check" CHECK(("participant"."source" = 'session' and "participant"."rating_session_id" is not null and "participant"."secret_hash" is not null) or ("participant"."source" = 'paper' and "participant"."rating_session_id" is null and "participant"."secret_hash" is null))
);
--> statement-breakpoint
CREATE INDEX `participant_assessment_idx` ON `participant` (`assessment_id`);--> statement-breakpoint
CREATE INDEX `participant_session_idx` ON `participant` (`rating_session_id`);--> statement-breakpoint
CREATE TABLE `rating_session_reveal` (
	`rating_session_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`revealed_at` integer NOT NULL,
	PRIMARY KEY(`rating_session_id`, `challenge_id`),
	FOREIGN KEY (`rating_session_id`) REFERENCES `rating_session`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `rating_session` (
	`id` text PRIMARY KEY NOT NULL,
	`assessment_id` text NOT NULL,
	`join_code` text NOT NULL,
	`pace` text NOT NULL,
	`current_challenge_id` text,
	`started_by` text,
	`started_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`closed_at` integer,
	`closed_by` text,
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`current_challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`started_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`closed_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "rating_session_pace_check" CHECK("rating_session"."pace" in ('together', 'own_pace')),
	CONSTRAINT "rating_session_closes_check" CHECK("rating_session"."closes_at" > "rating_session"."started_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rating_session_join_code_idx` ON `rating_session` (`join_code`);--> statement-breakpoint
CREATE INDEX `rating_session_assessment_idx` ON `rating_session` (`assessment_id`);--> statement-breakpoint
ALTER TABLE `assessment` ADD `rating_order` text DEFAULT 'rate_first' NOT NULL;