-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN "email" TEXT;
ALTER TABLE "Subscriber" ADD COLUMN "lastName" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "bodyPurgedAt" DATETIME;

-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN "bodyPurgedAt" DATETIME;

-- CreateTable
CREATE TABLE "SubscriberImport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileHash" TEXT NOT NULL,
    "csv" TEXT,
    "mapping" TEXT NOT NULL,
    "confirmMode" TEXT NOT NULL,
    "staff" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "subscribedRows" INTEGER NOT NULL DEFAULT 0,
    "pendingRows" INTEGER NOT NULL DEFAULT 0,
    "unchangedRows" INTEGER NOT NULL DEFAULT 0,
    "refusedRows" INTEGER NOT NULL DEFAULT 0,
    "report" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "completedAt" DATETIME
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
    "smartSendingHours" INTEGER NOT NULL DEFAULT 0,
    "senderType" TEXT NOT NULL DEFAULT 'long_code',
    "maxMessagesPerSecond" INTEGER,
    "segmentPriceMicros" INTEGER NOT NULL DEFAULT 8300,
    "clickWindowDays" INTEGER NOT NULL DEFAULT 5,
    "deliveryWindowHours" INTEGER NOT NULL DEFAULT 24,
    "utmTracking" BOOLEAN NOT NULL DEFAULT true,
    "messageRetentionDays" INTEGER NOT NULL DEFAULT 365,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "extraOptInKeywords" TEXT NOT NULL DEFAULT 'JOIN',
    "supportedLanguages" TEXT NOT NULL DEFAULT 'en',
    "smsCountries" TEXT NOT NULL DEFAULT 'US',
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandName", "clickWindowDays", "deliveryWindowHours", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "maxMessagesPerSecond", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "segmentPriceMicros", "senderPhoneNumber", "senderType", "shop", "smartSendingHours", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt", "utmTracking") SELECT "brandName", "clickWindowDays", "deliveryWindowHours", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "maxMessagesPerSecond", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "segmentPriceMicros", "senderPhoneNumber", "senderType", "shop", "smartSendingHours", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt", "utmTracking" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_senderPhoneNumber_key" ON "Shop"("senderPhoneNumber");
CREATE UNIQUE INDEX "Shop_messagingServiceSid_key" ON "Shop"("messagingServiceSid");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SubscriberImport_shop_createdAt_idx" ON "SubscriberImport"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "SubscriberImport_status_lockedUntil_idx" ON "SubscriberImport"("status", "lockedUntil");

-- CreateIndex
CREATE INDEX "Subscriber_shop_updatedAt_idx" ON "Subscriber"("shop", "updatedAt");
