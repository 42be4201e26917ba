CREATE TABLE `round_level_count` (
	`round_id` text NOT NULL,
	`challenge_id` text NOT NULL,
	`level` integer NOT NULL,
	`services` integer NOT NULL,
	PRIMARY KEY(`round_id`, `challenge_id`, `level`),
	FOREIGN KEY (`round_id`) REFERENCES `round`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`challenge_id`) REFERENCES `challenge`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
-- Counts for every assessment completed before this table existed.
INSERT INTO `round_level_count` (`round_id`, `challenge_id`, `level`, `services`)
SELECT `assessment`.`round_id`, `agreed_score`.`challenge_id`, `agreed_score`.`level`, count(*)
FROM `agreed_score` JOIN `assessment` ON `assessment`.`id` = `agreed_score`.`assessment_id`
WHERE `assessment`.`status` = 'complete' AND `agreed_score`.`level` IS NOT NULL
GROUP BY `assessment`.`round_id`, `agreed_score`.`challenge_id`, `agreed_score`.`level`;
