CREATE TABLE `dropped_strength` (
	`assessment_id` text NOT NULL,
	`strength_id` text NOT NULL,
	`dropped_at` integer NOT NULL,
	`dropped_by` text,
	PRIMARY KEY(`assessment_id`, `strength_id`),
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`strength_id`) REFERENCES `strength`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dropped_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `strength` (
	`id` text PRIMARY KEY NOT NULL,
	`assessment_id` text NOT NULL,
	`challenge_id` text,
	`text` text NOT NULL,
	`carried_from_id` text,
	`recorded_at` integer NOT NULL,
	`recorded_by` text,
	FOREIGN KEY (`assessment_id`) REFERENCES `assessment`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`carried_from_id`) REFERENCES `strength`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`recorded_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "strength_text_check" CHECK(length(trim("strength"."text")) between 1 and 500),
	CONSTRAINT "strength_carried_from_check" CHECK("strength"."carried_from_id" is null or "strength"."carried_from_id" <> "strength"."id")
);
--> statement-breakpoint
CREATE INDEX `strength_assessment_idx` ON `strength` (`assessment_id`,`recorded_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `strength_carried_from_idx` ON `strength` (`assessment_id`,`carried_from_id`);