-- The audit trail is append-only and tamper-evident, in the database itself.
-- Each row's hash covers its content and the previous row's hash; an advisory lock held until
-- commit serialises appends, so the chain never forks under concurrency. UPDATE, DELETE and
-- TRUNCATE are refused.
CREATE OR REPLACE FUNCTION audit_log_content(r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT concat_ws('|', r.id::text, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    coalesce(r.actor_user_id::text, ''), coalesce(r.actor_label, ''), r.action, coalesce(r.subject_user_id::text, ''),
    coalesce(r.ip, ''), coalesce(r.case_id::text, ''), coalesce(r.event, ''), coalesce(r.from_state, ''),
    coalesce(r.to_state, ''), coalesce(r.reason, ''), r.detail::text)
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous text;
BEGIN
  PERFORM pg_advisory_xact_lock(7240114);
  SELECT hash INTO previous FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(previous, '');
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || '|' || audit_log_content(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
-- Rows written before the chain existed get their hashes now, in order.
DO $$
DECLARE
  r audit_log;
  previous text := '';
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    UPDATE audit_log SET prev_hash = previous, hash = encode(sha256(convert_to(previous || '|' || audit_log_content(r), 'UTF8')), 'hex') WHERE id = r.id
      RETURNING hash INTO previous;
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
