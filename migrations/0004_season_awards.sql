CREATE TABLE `season_awards` (
	`game` text NOT NULL,
	`season` integer NOT NULL,
	`player` text NOT NULL,
	`rank` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`game`, `season`, `player`)
);
