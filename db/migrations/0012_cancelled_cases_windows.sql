-- A case cancelled after approval used to leave its window "scheduled" (and grantable). Such
-- windows are cancelled now, as the case's cancellation always does from here on.
UPDATE "access_windows" w
SET "status" = 'cancelled',
    "state" = jsonb_set(w."state", '{value}', '"cancelled"'),
    "updated_at" = now()
FROM "cases" c
WHERE c."id" = w."case_id" AND c."status" = 'cancelled' AND w."status" = 'scheduled';
