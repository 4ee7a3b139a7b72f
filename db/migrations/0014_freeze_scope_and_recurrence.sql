ALTER TABLE "blackout_periods" ADD COLUMN "closure" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD COLUMN "repeats" text;--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD COLUMN "repeat_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD CONSTRAINT "blackout_periods_parent_id_blackout_periods_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."blackout_periods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "blackout_periods_occurrence_key" ON "blackout_periods" USING btree ("parent_id","starts_at");--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD CONSTRAINT "blackout_periods_repeats" CHECK ("blackout_periods"."repeats" is null or "blackout_periods"."repeats" in ('weekly', 'yearly'));--> statement-breakpoint
ALTER TABLE "blackout_periods" ADD CONSTRAINT "blackout_periods_closure_of_a_system" CHECK (not "blackout_periods"."closure" or "blackout_periods"."system_id" is not null);