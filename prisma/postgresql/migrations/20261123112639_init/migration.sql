-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN,
    "locale" TEXT,
    "collaborator" BOOLEAN,
    "emailVerified" BOOLEAN,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
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
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "DisclosureVersion" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "text" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DisclosureVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subscriber" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "optInLevel" TEXT,
    "shopifyCustomerId" TEXT,
    "locale" TEXT,
    "timezone" TEXT,
    "region" TEXT,
    "pendingExpiresAt" TIMESTAMP(3),
    "subscribedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "undeliverableCount" INTEGER NOT NULL DEFAULT 0,
    "unreachableAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscriber_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "subscriberId" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evidence" TEXT NOT NULL,
    "evidenceSalt" TEXT,
    "evidenceDigest" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3),
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ConsentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentChainHead" (
    "shop" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ConsentChainHead_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "scheduledAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "subscriberId" TEXT,
    "campaignId" TEXT,
    "phone" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "twilioSid" TEXT,
    "errorCode" INTEGER,
    "errorMessage" TEXT,
    "segments" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundMessage" (
    "messageSid" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "fromPhone" TEXT NOT NULL,
    "toPhone" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "subscriberId" TEXT,
    "replyTwiml" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundMessage_pkey" PRIMARY KEY ("messageSid")
);

-- CreateTable
CREATE TABLE "TrackedLink" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "campaignId" TEXT,
    "code" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TrackedLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkClick" (
    "id" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "subscriberId" TEXT,
    "clickedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkClick_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "Shop_senderPhoneNumber_idx" ON "Shop"("senderPhoneNumber");

-- CreateIndex
CREATE INDEX "Shop_messagingServiceSid_idx" ON "Shop"("messagingServiceSid");

-- CreateIndex
CREATE INDEX "DisclosureVersion_shop_publishedAt_idx" ON "DisclosureVersion"("shop", "publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DisclosureVersion_shop_version_locale_key" ON "DisclosureVersion"("shop", "version", "locale");

-- CreateIndex
CREATE INDEX "Subscriber_shop_status_idx" ON "Subscriber"("shop", "status");

-- CreateIndex
CREATE INDEX "Subscriber_shop_shopifyCustomerId_idx" ON "Subscriber"("shop", "shopifyCustomerId");

-- CreateIndex
CREATE INDEX "Subscriber_status_pendingExpiresAt_idx" ON "Subscriber"("status", "pendingExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Subscriber_shop_phone_key" ON "Subscriber"("shop", "phone");

-- CreateIndex
CREATE INDEX "ConsentEvent_subscriberId_seq_idx" ON "ConsentEvent"("subscriberId", "seq");

-- CreateIndex
CREATE INDEX "ConsentEvent_shop_occurredAt_idx" ON "ConsentEvent"("shop", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_shop_seq_key" ON "ConsentEvent"("shop", "seq");

-- CreateIndex
CREATE INDEX "Campaign_shop_createdAt_idx" ON "Campaign"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_twilioSid_key" ON "Message"("twilioSid");

-- CreateIndex
CREATE INDEX "Message_status_nextAttemptAt_idx" ON "Message"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Message_shop_subscriberId_idx" ON "Message"("shop", "subscriberId");

-- CreateIndex
CREATE INDEX "Message_shop_createdAt_idx" ON "Message"("shop", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_campaignId_subscriberId_key" ON "Message"("campaignId", "subscriberId");

-- CreateIndex
CREATE INDEX "InboundMessage_shop_receivedAt_idx" ON "InboundMessage"("shop", "receivedAt");

-- CreateIndex
CREATE INDEX "InboundMessage_subscriberId_idx" ON "InboundMessage"("subscriberId");

-- CreateIndex
CREATE UNIQUE INDEX "TrackedLink_code_key" ON "TrackedLink"("code");

-- CreateIndex
CREATE INDEX "TrackedLink_shop_campaignId_idx" ON "TrackedLink"("shop", "campaignId");

-- CreateIndex
CREATE INDEX "LinkClick_linkId_clickedAt_idx" ON "LinkClick"("linkId", "clickedAt");
