CREATE TABLE "disturbance_updates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disturbance_updates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"disturbance_id" integer NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"author_id" integer
);
--> statement-breakpoint
CREATE TABLE "disturbances" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disturbances_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"case_id" integer NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"public_text" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by_id" integer,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "disturbance_updates" ADD CONSTRAINT "disturbance_updates_disturbance_id_disturbances_id_fk" FOREIGN KEY ("disturbance_id") REFERENCES "public"."disturbances"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disturbance_updates" ADD CONSTRAINT "disturbance_updates_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disturbances" ADD CONSTRAINT "disturbances_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disturbances" ADD CONSTRAINT "disturbances_published_by_id_users_id_fk" FOREIGN KEY ("published_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disturbance_updates_disturbance_idx" ON "disturbance_updates" USING btree ("disturbance_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disturbance_updates_public_id_key" ON "disturbance_updates" USING btree ("public_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disturbances_case_key" ON "disturbances" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disturbances_public_id_key" ON "disturbances" USING btree ("public_id");