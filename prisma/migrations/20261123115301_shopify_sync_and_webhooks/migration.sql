-- CreateTable
CREATE TABLE "ProcessedWebhook" (
    "webhookId" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "processedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ShopifySyncJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "subscriberId" TEXT NOT NULL,
    "consentEventSeq" INTEGER NOT NULL,
    "phone" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "marketingState" TEXT NOT NULL,
    "optInLevel" TEXT NOT NULL,
    "consentUpdatedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ProcessedWebhook_shop_processedAt_idx" ON "ProcessedWebhook"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "ShopifySyncJob_status_nextAttemptAt_idx" ON "ShopifySyncJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ShopifySyncJob_shop_subscriberId_idx" ON "ShopifySyncJob"("shop", "subscriberId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifySyncJob_shop_consentEventSeq_key" ON "ShopifySyncJob"("shop", "consentEventSeq");
