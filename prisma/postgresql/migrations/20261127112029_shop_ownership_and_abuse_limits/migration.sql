-- A sender number or Messaging Service belongs to one shop. Where two shops
-- saved the same one, the shop installed first keeps it and the other must
-- enter its own again (Settings refuses one already taken).
UPDATE "Shop" SET "senderPhoneNumber" = NULL WHERE "senderPhoneNumber" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "Shop" AS other WHERE other."senderPhoneNumber" = "Shop"."senderPhoneNumber"
    AND (other."installedAt" < "Shop"."installedAt" OR (other."installedAt" = "Shop"."installedAt" AND other."shop" < "Shop"."shop")));
UPDATE "Shop" SET "messagingServiceSid" = NULL WHERE "messagingServiceSid" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "Shop" AS other WHERE other."messagingServiceSid" = "Shop"."messagingServiceSid"
    AND (other."installedAt" < "Shop"."installedAt" OR (other."installedAt" = "Shop"."installedAt" AND other."shop" < "Shop"."shop")));

-- DropIndex
DROP INDEX "Shop_senderPhoneNumber_idx";

-- DropIndex
DROP INDEX "Shop_messagingServiceSid_idx";

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "smsCountries" TEXT NOT NULL DEFAULT 'US';

-- AlterTable
ALTER TABLE "ProcessedWebhook" ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'processed';

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("key","windowStart")
);

-- CreateIndex
CREATE INDEX "RateLimitWindow_expiresAt_idx" ON "RateLimitWindow"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_senderPhoneNumber_key" ON "Shop"("senderPhoneNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_messagingServiceSid_key" ON "Shop"("messagingServiceSid");
