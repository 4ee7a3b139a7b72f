CREATE TABLE "cab_reviews" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cab_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"meeting_id" integer NOT NULL,
	"case_id" integer NOT NULL,
	"note" text NOT NULL,
	"recorded_by_id" integer,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cab_reviews" ADD CONSTRAINT "cab_reviews_meeting_id_cab_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."cab_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cab_reviews" ADD CONSTRAINT "cab_reviews_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cab_reviews" ADD CONSTRAINT "cab_reviews_recorded_by_id_users_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cab_reviews_meeting_case_key" ON "cab_reviews" USING btree ("meeting_id","case_id");