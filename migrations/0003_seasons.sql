CREATE TABLE `season_archive` (
	`game` text NOT NULL,
	`season` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`players` integer NOT NULL,
	`leader` text,
	`pool` real NOT NULL,
	PRIMARY KEY(`game`, `season`)
);
--> statement-breakpoint
CREATE TABLE `season_standings` (
	`game` text NOT NULL,
	`season` integer NOT NULL,
	`position` integer NOT NULL,
	`rank` integer NOT NULL,
	`player` text NOT NULL,
	`score` real NOT NULL,
	`ts` integer NOT NULL,
	`team` text,
	`name` text,
	`country` text,
	PRIMARY KEY(`game`, `season`, `position`)
);
--> statement-breakpoint
CREATE INDEX `season_standings_by_player` ON `season_standings` (`game`,`season`,`player`);