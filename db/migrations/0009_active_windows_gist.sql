-- Conflicts are with *active* windows only (ACTIVE_STATUSES in app/workflow/conflicts.server.ts:
-- submitted, in-review, awaiting-cab, approved, window-open). They are a small, steady set while
-- the table keeps every window ever requested, so a GiST index over just their time ranges
-- answers "which active windows overlap this range?" without reading the history: the schedule's
-- conflict flags ask it once per window on the page, the conflict check once per case. (On the
-- range alone: the queries ask by range and then keep the related systems, and migration 0004's
-- (system, range) index is slow to probe by its second column only.)
-- Keep the list in step with ACTIVE_STATUSES: a query with another list cannot use this index.
CREATE INDEX IF NOT EXISTS "cases_active_window_gist" ON "cases" USING gist (tstzrange("window_start", "window_end", '[)'))
  WHERE "status" IN ('submitted', 'in-review', 'awaiting-cab', 'approved', 'window-open') AND "window_start" IS NOT NULL AND "window_end" IS NOT NULL;
