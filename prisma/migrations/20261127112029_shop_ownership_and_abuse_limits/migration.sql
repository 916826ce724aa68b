-- A sender number or Messaging Service belongs to one shop. Where two shops
-- saved the same one, the shop installed first keeps it and the other must
-- enter its own again (Settings refuses one already taken).
UPDATE "Shop" SET "senderPhoneNumber" = NULL WHERE "senderPhoneNumber" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "Shop" AS other WHERE other."senderPhoneNumber" = "Shop"."senderPhoneNumber"
    AND (other."installedAt" < "Shop"."installedAt" OR (other."installedAt" = "Shop"."installedAt" AND other."shop" < "Shop"."shop")));
UPDATE "Shop" SET "messagingServiceSid" = NULL WHERE "messagingServiceSid" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "Shop" AS other WHERE other."messagingServiceSid" = "Shop"."messagingServiceSid"
    AND (other."installedAt" < "Shop"."installedAt" OR (other."installedAt" = "Shop"."installedAt" AND other."shop" < "Shop"."shop")));

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "key" TEXT NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,

    PRIMARY KEY ("key", "windowStart")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "brandName" TEXT NOT NULL,
    "supportContact" TEXT NOT NULL,
    "termsUrl" TEXT,
    "privacyUrl" TEXT,
    "twilioAccountSid" TEXT,
    "twilioAuthTokenEncrypted" TEXT,
    "senderPhoneNumber" TEXT,
    "messagingServiceSid" TEXT,
    "keywordMode" TEXT NOT NULL DEFAULT 'twilio_default',
    "helpText" TEXT,
    "optOutText" TEXT,
    "optInText" TEXT,
    "doubleOptIn" BOOLEAN NOT NULL DEFAULT true,
    "pendingExpiryHours" INTEGER NOT NULL DEFAULT 72,
    "quietHoursStart" TEXT NOT NULL DEFAULT '21:00',
    "quietHoursEnd" TEXT NOT NULL DEFAULT '08:00',
    "maxMessagesPerMonth" INTEGER NOT NULL DEFAULT 6,
    "maxMessagesPerDay" INTEGER NOT NULL DEFAULT 3,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "extraOptInKeywords" TEXT NOT NULL DEFAULT 'JOIN',
    "supportedLanguages" TEXT NOT NULL DEFAULT 'en',
    "smsCountries" TEXT NOT NULL DEFAULT 'US',
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "senderPhoneNumber", "shop", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt") SELECT "brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "senderPhoneNumber", "shop", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_senderPhoneNumber_key" ON "Shop"("senderPhoneNumber");
CREATE UNIQUE INDEX "Shop_messagingServiceSid_key" ON "Shop"("messagingServiceSid");
CREATE TABLE "new_ProcessedWebhook" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'processed',
    "processedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_ProcessedWebhook" ("processedAt", "shop", "topic", "webhookId") SELECT "processedAt", "shop", "topic", "webhookId" FROM "ProcessedWebhook";
DROP TABLE "ProcessedWebhook";
ALTER TABLE "new_ProcessedWebhook" RENAME TO "ProcessedWebhook";
CREATE INDEX "ProcessedWebhook_shop_processedAt_idx" ON "ProcessedWebhook"("shop", "processedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RateLimitWindow_expiresAt_idx" ON "RateLimitWindow"("expiresAt");
