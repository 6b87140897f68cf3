CREATE TABLE `archived_reports` (
	`game` text NOT NULL,
	`ts` integer NOT NULL,
	`player` text NOT NULL,
	`score` real NOT NULL,
	`team` text,
	`report_id` text
);
--> statement-breakpoint
CREATE INDEX `archived_reports_by_time` ON `archived_reports` (`game`,`ts`);--> statement-breakpoint
CREATE INDEX `archived_reports_by_player` ON `archived_reports` (`game`,`player`,`ts`);--> statement-breakpoint
CREATE TABLE `snapshot_entries` (
	`game` text NOT NULL,
	`ts` integer NOT NULL,
	`position` integer NOT NULL,
	`rank` integer NOT NULL,
	`player` text NOT NULL,
	`score` real NOT NULL,
	PRIMARY KEY(`game`, `ts`, `position`)
);
--> statement-breakpoint
CREATE INDEX `snapshot_entries_by_player` ON `snapshot_entries` (`game`,`player`,`ts`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`game` text NOT NULL,
	`ts` integer NOT NULL,
	`leader` text NOT NULL,
	`top_first` real NOT NULL,
	`top_last` real NOT NULL,
	`gap` real NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`game`, `ts`)
);
