-- AlterTable
ALTER TABLE "TrackedLink" ADD COLUMN "expiresAt" DATETIME;
ALTER TABLE "TrackedLink" ADD COLUMN "subscriberId" TEXT;

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "subscriberId" TEXT,
    "shopifyCustomerId" TEXT,
    "totalMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "placedAt" DATETIME NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "attributedCampaignId" TEXT,
    "attribution" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "shop" TEXT NOT NULL,
    "shopifyRefundId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shop", "shopifyRefundId")
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
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "extraOptInKeywords" TEXT NOT NULL DEFAULT 'JOIN',
    "supportedLanguages" TEXT NOT NULL DEFAULT 'en',
    "smsCountries" TEXT NOT NULL DEFAULT 'US',
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "maxMessagesPerSecond", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "segmentPriceMicros", "senderPhoneNumber", "senderType", "shop", "smartSendingHours", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt") SELECT "brandName", "demo", "doubleOptIn", "extraOptInKeywords", "helpText", "installedAt", "keywordMode", "maxMessagesPerDay", "maxMessagesPerMonth", "maxMessagesPerSecond", "messagingServiceSid", "optInText", "optOutText", "pendingExpiryHours", "privacyUrl", "quietHoursEnd", "quietHoursStart", "segmentPriceMicros", "senderPhoneNumber", "senderType", "shop", "smartSendingHours", "smsCountries", "supportContact", "supportedLanguages", "termsUrl", "timezone", "twilioAccountSid", "twilioAuthTokenEncrypted", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
CREATE UNIQUE INDEX "Shop_senderPhoneNumber_key" ON "Shop"("senderPhoneNumber");
CREATE UNIQUE INDEX "Shop_messagingServiceSid_key" ON "Shop"("messagingServiceSid");
CREATE TABLE "new_LinkClick" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "campaignId" TEXT,
    "subscriberId" TEXT,
    "clickedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- Edited by hand: existing clicks take their shop and campaign from their link (a click whose link is gone has no shop left to belong to).
INSERT INTO "new_LinkClick" ("clickedAt", "id", "linkId", "subscriberId", "shop", "campaignId")
SELECT "c"."clickedAt", "c"."id", "c"."linkId", "c"."subscriberId", "l"."shop", "l"."campaignId"
FROM "LinkClick" AS "c" JOIN "TrackedLink" AS "l" ON "l"."id" = "c"."linkId";
DROP TABLE "LinkClick";
ALTER TABLE "new_LinkClick" RENAME TO "LinkClick";
CREATE INDEX "LinkClick_linkId_clickedAt_idx" ON "LinkClick"("linkId", "clickedAt");
CREATE INDEX "LinkClick_shop_campaignId_clickedAt_idx" ON "LinkClick"("shop", "campaignId", "clickedAt");
CREATE INDEX "LinkClick_subscriberId_clickedAt_idx" ON "LinkClick"("subscriberId", "clickedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Order_shop_placedAt_idx" ON "Order"("shop", "placedAt");

-- CreateIndex
CREATE INDEX "Order_shop_attributedCampaignId_idx" ON "Order"("shop", "attributedCampaignId");

-- CreateIndex
CREATE INDEX "Order_subscriberId_idx" ON "Order"("subscriberId");

-- CreateIndex
CREATE INDEX "Order_shop_shopifyCustomerId_idx" ON "Order"("shop", "shopifyCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shop_shopifyOrderId_key" ON "Order"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "OrderRefund_shop_shopifyOrderId_idx" ON "OrderRefund"("shop", "shopifyOrderId");

-- CreateIndex
CREATE INDEX "TrackedLink_subscriberId_idx" ON "TrackedLink"("subscriberId");
