-- Prisma schema of Sweet Narcisse (target-system.md §5), as PostgreSQL DDL.
-- PascalCase quoted table names, camelCase columns, timestamp(3) without time zone holding UTC.
-- SPDX-License-Identifier: GPL-3.0-or-later
SET client_min_messages = warning;

CREATE TYPE "BookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'CANCELLED', 'COMPLETED');
CREATE TYPE "CheckinStatus" AS ENUM ('CONFIRMED', 'EMBARQUED', 'NO_SHOW');
CREATE TYPE "BoatStatus" AS ENUM ('ACTIVE', 'MAINTENANCE');
CREATE TYPE "Role" AS ENUM ('CLIENT', 'EMPLOYEE', 'ADMIN', 'SUPERADMIN');
CREATE TYPE "Language" AS ENUM ('FR', 'EN', 'DE', 'ES');
CREATE TYPE "PaymentSessionStatus" AS ENUM ('PENDING', 'CLAIMED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED');
CREATE TYPE "MaintenanceType" AS ENUM ('CHARGE', 'INSPECTION', 'REPAIR', 'CLEANING');
CREATE TYPE "EmploymentStatus" AS ENUM ('PERMANENT', 'TEMPORARY');
CREATE TYPE "EmployeeDocumentStatus" AS ENUM ('PENDING', 'ACTIVE', 'ARCHIVED');
CREATE TYPE "EmployeeDocumentAction" AS ENUM ('UPLOAD_REQUEST', 'CONFIRM', 'DOWNLOAD', 'PREVIEW', 'ARCHIVE', 'DELETE');
CREATE TYPE "ContactStatus" AS ENUM ('NEW', 'CONTACTED', 'CLOSED');

CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "password" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "phone" TEXT,
    "role" "Role" NOT NULL DEFAULT 'CLIENT',
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "sessionVersion" INTEGER NOT NULL DEFAULT 0,
    "adminPermissions" JSONB,
    "employmentStatus" "EmploymentStatus",
    "hireDate" TIMESTAMP(3),
    "archivedAt" TIMESTAMP(3),
    "archivedReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

CREATE TABLE "Boat" (
    "id" SERIAL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL DEFAULT 12,
    "status" "BoatStatus" NOT NULL DEFAULT 'ACTIVE',
    "batteryCycleDays" INTEGER NOT NULL DEFAULT 4,
    "lastChargeDate" TIMESTAMP(3),
    "totalTrips" INTEGER NOT NULL DEFAULT 0,
    "tripsSinceService" INTEGER NOT NULL DEFAULT 0,
    "hoursSinceService" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "manifest" TEXT,
    "fleetLabel" TEXT
);
CREATE INDEX "Boat_status_idx" ON "Boat"("status");

CREATE TABLE "Booking" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publicReference" TEXT,
    "date" TIMESTAMP(3) NOT NULL,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3) NOT NULL,
    "numberOfPeople" INTEGER NOT NULL,
    "adults" INTEGER NOT NULL DEFAULT 0,
    "children" INTEGER NOT NULL DEFAULT 0,
    "babies" INTEGER NOT NULL DEFAULT 0,
    "isPrivate" BOOLEAN NOT NULL DEFAULT false,
    "reservedSeats" INTEGER,
    "language" TEXT NOT NULL DEFAULT 'FR',
    "totalPrice" DOUBLE PRECISION NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'PENDING',
    "checkinStatus" "CheckinStatus" NOT NULL DEFAULT 'CONFIRMED',
    "isPaid" BOOLEAN NOT NULL DEFAULT true,
    "confirmationEmailSentAt" TIMESTAMP(3),
    "reviewMailSent" BOOLEAN NOT NULL DEFAULT false,
    "message" TEXT,
    "invoiceEmail" TEXT,
    "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "boatId" INTEGER REFERENCES "Boat"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Booking_publicReference_key" ON "Booking"("publicReference");
CREATE INDEX "Booking_date_idx" ON "Booking"("date");
CREATE INDEX "Booking_startTime_idx" ON "Booking"("startTime");
CREATE INDEX "Booking_status_idx" ON "Booking"("status");
CREATE INDEX "Booking_boatId_date_idx" ON "Booking"("boatId", "date");
CREATE INDEX "Booking_userId_idx" ON "Booking"("userId");
CREATE INDEX "Booking_date_status_idx" ON "Booking"("date", "status");

CREATE TABLE "PaymentSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "bookingId" TEXT REFERENCES "Booking"("id") ON DELETE SET NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "status" "PaymentSessionStatus" NOT NULL DEFAULT 'PENDING',
    "deviceId" TEXT,
    "claimedAt" TIMESTAMP(3),
    "metadata" JSONB,
    "createdById" TEXT REFERENCES "User"("id") ON DELETE SET NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "Payment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "provider" TEXT NOT NULL,
    "bookingId" TEXT NOT NULL REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    "intentId" TEXT,
    "orderId" TEXT,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "status" TEXT NOT NULL,
    "methodType" TEXT,
    "rawPayload" JSONB,
    "paymentSessionId" TEXT REFERENCES "PaymentSession"("id") ON DELETE SET NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "Payment_paymentSessionId_key" ON "Payment"("paymentSessionId");
CREATE INDEX "Payment_bookingId_idx" ON "Payment"("bookingId");

CREATE TABLE "Log" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "action" TEXT NOT NULL,
    "details" TEXT,
    "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "PaymentLedger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventType" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "methodType" TEXT,
    "amount" INTEGER NOT NULL,
    "netAmount" INTEGER NOT NULL,
    "vatAmount" INTEGER NOT NULL,
    "grossAmount" INTEGER NOT NULL,
    "vatRate" DOUBLE PRECISION NOT NULL DEFAULT 20,
    "receiptNo" TEXT,
    "bookingId" TEXT REFERENCES "Booking"("id") ON DELETE SET NULL,
    "cashSessionId" TEXT,
    "userId" TEXT REFERENCES "User"("id") ON DELETE SET NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "BlockedInterval" (
    "id" SERIAL PRIMARY KEY,
    "start" TIMESTAMP(3) NOT NULL,
    "end" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,
    "scope" TEXT NOT NULL DEFAULT 'day',
    "recurrence" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "BlockedInterval_start_end_idx" ON "BlockedInterval"("start", "end");

CREATE TABLE "WorkShift" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE,
    "startTime" TIMESTAMP(3) NOT NULL,
    "endTime" TIMESTAMP(3),
    "breakTime" INTEGER NOT NULL DEFAULT 0,
    "clockInLat" DOUBLE PRECISION,
    "clockInLon" DOUBLE PRECISION,
    "clockInAccuracy" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "WorkShift_userId_startTime_idx" ON "WorkShift"("userId", "startTime");

CREATE TABLE "CashSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "openedById" TEXT NOT NULL REFERENCES "User"("id"),
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "openingFloat" INTEGER NOT NULL DEFAULT 0,
    "closedAt" TIMESTAMP(3),
    "closingCount" INTEGER,
    "closingBreakdown" JSONB
);

CREATE TABLE "CashMovement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL REFERENCES "CashSession"("id") ON DELETE CASCADE,
    "type" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "DailyClosure" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "day" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "totals" JSONB,
    "hash" TEXT,
    "locked" BOOLEAN NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX "DailyClosure_day_key" ON "DailyClosure"("day");

CREATE TABLE "Sequence" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "current" INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE "ContactRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "people" INTEGER,
    "message" TEXT,
    "status" "ContactStatus" NOT NULL DEFAULT 'NEW',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "DailyBoatQuota" (
    "id" SERIAL PRIMARY KEY,
    "date" TIMESTAMP(3) NOT NULL,
    "boatsAvailable" INTEGER NOT NULL,
    "note" TEXT
);
CREATE UNIQUE INDEX "DailyBoatQuota_date_key" ON "DailyBoatQuota"("date");

CREATE TABLE "MaintenanceLog" (
    "id" SERIAL PRIMARY KEY,
    "boatId" INTEGER NOT NULL REFERENCES "Boat"("id") ON DELETE CASCADE,
    "type" "MaintenanceType" NOT NULL,
    "description" TEXT,
    "performedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "SiteConfig" (
    "id" SERIAL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "SiteConfig_key_key" ON "SiteConfig"("key");

CREATE TABLE "HeroSlide" (
    "id" SERIAL PRIMARY KEY,
    "imageUrl" TEXT NOT NULL,
    "title" JSONB,
    "order" INTEGER NOT NULL DEFAULT 0,
    "isActive" BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE "Partner" (
    "id" SERIAL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "logoUrl" TEXT,
    "websiteUrl" TEXT,
    "order" INTEGER NOT NULL DEFAULT 0,
    "isActive" BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE "EmployeeDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE CASCADE,
    "category" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "mimeType" TEXT,
    "size" INTEGER,
    "status" "EmployeeDocumentStatus" NOT NULL DEFAULT 'PENDING',
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "EmployeeDocumentLog" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "documentId" TEXT NOT NULL REFERENCES "EmployeeDocument"("id") ON DELETE CASCADE,
    "userId" TEXT REFERENCES "User"("id") ON DELETE SET NULL,
    "action" "EmployeeDocumentAction" NOT NULL,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);
