-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "clickWindowDays" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "deliveryWindowHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "utmTracking" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "TrackedLink" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "subscriberId" TEXT;

-- AlterTable (edited by hand: existing clicks take their shop and campaign from their link; a click whose link is gone has no shop left to belong to)
ALTER TABLE "LinkClick" ADD COLUMN     "campaignId" TEXT,
ADD COLUMN     "shop" TEXT;
UPDATE "LinkClick" AS "c" SET "shop" = "l"."shop", "campaignId" = "l"."campaignId" FROM "TrackedLink" AS "l" WHERE "l"."id" = "c"."linkId";
DELETE FROM "LinkClick" WHERE "shop" IS NULL;
ALTER TABLE "LinkClick" ALTER COLUMN "shop" SET NOT NULL;

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "subscriberId" TEXT,
    "shopifyCustomerId" TEXT,
    "totalMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "attributedCampaignId" TEXT,
    "attribution" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderRefund" (
    "shop" TEXT NOT NULL,
    "shopifyRefundId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderRefund_pkey" PRIMARY KEY ("shop","shopifyRefundId")
);

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

-- CreateIndex
CREATE INDEX "LinkClick_shop_campaignId_clickedAt_idx" ON "LinkClick"("shop", "campaignId", "clickedAt");

-- CreateIndex
CREATE INDEX "LinkClick_subscriberId_clickedAt_idx" ON "LinkClick"("subscriberId", "clickedAt");
