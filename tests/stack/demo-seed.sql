-- tests/stack/demo-seed.sql: what the demo (tools/demo) adds to the stack's data, never the tests
-- (they need every migration applied). Loaded by `stack seed-demo`.
--
-- A deploy whose migration failed halfway, to show the migration rollback (runbook §2.4, runbook
-- "migration-rollback"): the release after v1.0.6 shipped 20260110090000_add_booking_notes, whose
-- first statement added "Booking"."notes" and whose second, CREATE INDEX on a misspelt column,
-- failed. Prisma recorded the attempt as failed (finished_at NULL): every later `prisma migrate
-- deploy` stops on it (P3009) until it is rolled back. The inverse SQL that cleans it up:
--
--     ALTER TABLE "Booking" DROP COLUMN "notes";
--
-- then `prisma migrate resolve --rolled-back 20260110090000_add_booking_notes` (the runbook does both).
--
-- SPDX-License-Identifier: GPL-3.0-or-later
BEGIN;
ALTER TABLE "Booking" ADD COLUMN IF NOT EXISTS "notes" TEXT;
DELETE FROM "_prisma_migrations" WHERE "migration_name" = '20260110090000_add_booking_notes';
INSERT INTO "_prisma_migrations"
    ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count")
VALUES
    ('6f1c2b9e-3d4a-4e8b-9c7d-2a5e8f0b1d34',
     encode(sha256(convert_to(E'-- AddColumn\nALTER TABLE "Booking" ADD COLUMN "notes" TEXT;\n\n-- CreateIndex\nCREATE INDEX "Booking_notes_idx" ON "Booking"("note");\n', 'UTF8')), 'hex'),
     NULL,
     '20260110090000_add_booking_notes',
     E'Database error code: 42703\n\nDatabase error:\nERROR: column "note" does not exist\n\nDbError { severity: "ERROR", parsed_severity: Some(Error), code: SqlState(E42703), message: "column \\"note\\" does not exist", detail: None, hint: None, position: None, where_: None, schema: None, table: None, column: None, datatype: None, constraint: None, file: Some("indexcmds.c"), line: Some(1891), routine: Some("ComputeIndexAttrs") }',
     NULL,
     now() - interval '2 hours',
     0);
COMMIT;
