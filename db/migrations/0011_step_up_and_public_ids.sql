ALTER TABLE "cases" ADD COLUMN "public_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "webauthn_credentials" ADD COLUMN "added_in_session_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_public_id_key" ON "cases" USING btree ("public_id");