-- The chain is verified in id order, so a row must get its id in the order rows join the chain.
-- The identity value is drawn before the BEFORE INSERT trigger takes the chain lock: two
-- concurrent transactions could take ids 10 and 11 and then the lock in the other order, which
-- links row 10 after row 11 (found by the kill -9 fault test under concurrent load). The trigger
-- now draws the id itself, after taking the lock; the identity's first draw becomes a gap.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous text;
BEGIN
  PERFORM pg_advisory_xact_lock(7240114);
  NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  SELECT hash INTO previous FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(previous, '');
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || '|' || audit_log_content(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
