-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN "firstName" TEXT;
ALTER TABLE "Subscriber" ADD COLUMN "lastOrderAt" DATETIME;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "deferredBy" TEXT;
ALTER TABLE "Message" ADD COLUMN "skipReason" TEXT;

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
    "smartSendingHours" INTEGER NOT NULL DEFAULT 0,
    "senderType" TEXT NOT NULL DEFAULT 'long_code',
    "maxMessagesPerSecond" INTEGER,
    "segmentPriceMicros" INTEGER NOT NULL DEFAULT 8300,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "extraOptInKeywords" TEXT NOT NULL DEFAULT 'JOIN',
    "supportedLanguages" TEXT NOT NULL DEFAULT 'en',
    "smsCountries" TEXT NOT NULL DEFAULT 'US',
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "senderPhoneNumber", "shop", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt") SELECT "brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "senderPhoneNumber", "shop", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_senderPhoneNumber_key" ON "Shop"("senderPhoneNumber");
CREATE UNIQUE INDEX "Shop_messagingServiceSid_key" ON "Shop"("messagingServiceSid");
CREATE TABLE "new_Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "audience" TEXT NOT NULL DEFAULT '{"kind":"all"}',
    "discountCode" TEXT,
    "scheduleMode" TEXT NOT NULL DEFAULT 'now',
    "scheduledAt" DATETIME,
    "localSendTime" TEXT,
    "plannedAt" DATETIME,
    "pausedAt" DATETIME,
    "cancelledAt" DATETIME,
    "startedAt" DATETIME,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Campaign" ("body", "completedAt", "createdAt", "id", "name", "scheduledAt", "shop", "startedAt", "status", "updatedAt") SELECT "body", "completedAt", "createdAt", "id", "name", "scheduledAt", "shop", "startedAt", "status", "updatedAt" FROM "Campaign";
DROP TABLE "Campaign";
ALTER TABLE "new_Campaign" RENAME TO "Campaign";
CREATE INDEX "Campaign_shop_createdAt_idx" ON "Campaign"("shop", "createdAt");
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Message_campaignId_status_idx" ON "Message"("campaignId", "status");

-- CreateIndex
CREATE INDEX "Message_subscriberId_kind_sentAt_idx" ON "Message"("subscriberId", "kind", "sentAt");
