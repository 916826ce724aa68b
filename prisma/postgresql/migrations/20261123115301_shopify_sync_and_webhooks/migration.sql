-- CreateTable
CREATE TABLE "ProcessedWebhook" (
    "webhookId" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedWebhook_pkey" PRIMARY KEY ("webhookId")
);

-- CreateTable
CREATE TABLE "ShopifySyncJob" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "subscriberId" TEXT NOT NULL,
    "consentEventSeq" INTEGER NOT NULL,
    "phone" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "marketingState" TEXT NOT NULL,
    "optInLevel" TEXT NOT NULL,
    "consentUpdatedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifySyncJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProcessedWebhook_shop_processedAt_idx" ON "ProcessedWebhook"("shop", "processedAt");

-- CreateIndex
CREATE INDEX "ShopifySyncJob_status_nextAttemptAt_idx" ON "ShopifySyncJob"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "ShopifySyncJob_shop_subscriberId_idx" ON "ShopifySyncJob"("shop", "subscriberId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifySyncJob_shop_consentEventSeq_key" ON "ShopifySyncJob"("shop", "consentEventSeq");
