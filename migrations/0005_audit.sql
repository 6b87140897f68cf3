CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`game` text NOT NULL,
	`action` text NOT NULL,
	`key` text NOT NULL,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_by_time` ON `audit` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_by_game` ON `audit` (`game`,`ts`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_mints_by_hour` ON `audit` (`game`,`key`,`ts`) WHERE action = 'tokens.minted';