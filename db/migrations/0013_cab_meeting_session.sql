CREATE TABLE "cab_attendance" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cab_attendance_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"meeting_id" integer NOT NULL,
	"user_id" integer,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"substitute_for_id" integer
);
--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "chair_id" integer;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "opened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "adjusted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "adjusted_by_id" integer;--> statement-breakpoint
ALTER TABLE "cab_attendance" ADD CONSTRAINT "cab_attendance_meeting_id_cab_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."cab_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cab_attendance" ADD CONSTRAINT "cab_attendance_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cab_attendance" ADD CONSTRAINT "cab_attendance_substitute_for_id_users_id_fk" FOREIGN KEY ("substitute_for_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cab_attendance_meeting_idx" ON "cab_attendance" USING btree ("meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cab_attendance_member_key" ON "cab_attendance" USING btree ("meeting_id","user_id");--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD CONSTRAINT "cab_meetings_chair_id_users_id_fk" FOREIGN KEY ("chair_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD CONSTRAINT "cab_meetings_adjusted_by_id_users_id_fk" FOREIGN KEY ("adjusted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
UPDATE "cab_meetings" SET "status" = 'closed' WHERE "status" = 'held';
