ALTER TABLE `games` ADD `kind` text;--> statement-breakpoint
ALTER TABLE `games` ADD `leader` text;--> statement-breakpoint
ALTER TABLE `games` ADD `leader_name` text;--> statement-breakpoint
ALTER TABLE `games` ADD `leader_country` text;--> statement-breakpoint
ALTER TABLE `games` ADD `leader_score` real;--> statement-breakpoint
ALTER TABLE `games` ADD `season` integer;--> statement-breakpoint
ALTER TABLE `games` ADD `spectators` integer DEFAULT 0 NOT NULL;