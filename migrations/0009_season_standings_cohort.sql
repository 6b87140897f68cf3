ALTER TABLE `season_standings` ADD `cohort` integer;--> statement-breakpoint
ALTER TABLE `season_standings` ADD `cohort_rank` integer;