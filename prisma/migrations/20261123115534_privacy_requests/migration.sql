-- CreateTable
CREATE TABLE "PrivacyRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "shopifyCustomerId" TEXT,
    "shopifyRequestId" TEXT,
    "export" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "PrivacyRequest_shop_receivedAt_idx" ON "PrivacyRequest"("shop", "receivedAt");
