CREATE TABLE `round_level_total` (
	`round_id` text NOT NULL,
	`level` integer NOT NULL,
	`scores` integer NOT NULL,
	PRIMARY KEY(`round_id`, `level`),
	FOREIGN KEY (`round_id`) REFERENCES `round`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `service_grouping_idx` ON `service` (`grouping_id`);--> statement-breakpoint
-- Totals for every round counted before this table existed.
INSERT INTO `round_level_total` (`round_id`, `level`, `scores`)
SELECT `round_id`, `level`, sum(`services`) FROM `round_level_count` GROUP BY `round_id`, `level`;
