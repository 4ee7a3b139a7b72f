ALTER TABLE "cab_meetings" ADD COLUMN "extra" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cab_meetings" ADD COLUMN "extra_reason" text;