-- Who a session belongs to and what that person may do are cached in each server process
-- (app/access/session-cache.server.ts). Every change that could end a session or change its
-- person tells every process at commit, on the channel auth_changed: "s<session id>", "u<user id>",
-- or "*" (a whole table emptied). Moving last_seen_at forward alone says nothing: it is written
-- once a minute per session and changes nobody's rights (moving it back would make a session idle).
CREATE FUNCTION "auth_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('auth_changed', '*');
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('auth_changed', 'u' || OLD.id);
  ELSE
    PERFORM pg_notify('auth_changed', 's' || OLD.id);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "sessions_changed" AFTER UPDATE ON "sessions" FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at') OR NEW.last_seen_at < OLD.last_seen_at)
  EXECUTE FUNCTION "auth_changed"();
--> statement-breakpoint
CREATE TRIGGER "sessions_deleted" AFTER DELETE ON "sessions" FOR EACH ROW EXECUTE FUNCTION "auth_changed"();
--> statement-breakpoint
CREATE TRIGGER "sessions_emptied" AFTER TRUNCATE ON "sessions" FOR EACH STATEMENT EXECUTE FUNCTION "auth_changed"();
--> statement-breakpoint
CREATE TRIGGER "users_changed" AFTER UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION "auth_changed"();
--> statement-breakpoint
CREATE TRIGGER "users_emptied" AFTER TRUNCATE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "auth_changed"();
