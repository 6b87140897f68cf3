CREATE TABLE `games` (
	`game` text PRIMARY KEY NOT NULL,
	`players` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_at` integer NOT NULL
);
