-- Conflict detection asks "which windows on these systems overlap this range?". A GiST index over
-- (system, time range) answers it without scanning (btree_gist supplies GiST for the integer).
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_system_window_gist" ON "cases" USING gist ("system_id", tstzrange("window_start", "window_end", '[)')) WHERE "window_start" IS NOT NULL AND "window_end" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "blackout_periods_range_gist" ON "blackout_periods" USING gist (tstzrange("starts_at", "ends_at", '[)'));
