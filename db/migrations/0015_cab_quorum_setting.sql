CREATE TABLE "cab_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"quorum_members" integer NOT NULL,
	"updated_by_id" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cab_settings_one_row" CHECK ("cab_settings"."id" = 1),
	CONSTRAINT "cab_settings_quorum" CHECK ("cab_settings"."quorum_members" between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "quorum_members" integer;--> statement-breakpoint
ALTER TABLE "cab_settings" ADD CONSTRAINT "cab_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "cab_meetings" SET "quorum_members" = 2 WHERE "status" <> 'scheduled';
