-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "maxMessagesPerSecond" INTEGER,
ADD COLUMN     "segmentPriceMicros" INTEGER NOT NULL DEFAULT 8300,
ADD COLUMN     "senderType" TEXT NOT NULL DEFAULT 'long_code',
ADD COLUMN     "smartSendingHours" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN     "firstName" TEXT,
ADD COLUMN     "lastOrderAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "audience" TEXT NOT NULL DEFAULT '{"kind":"all"}',
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "discountCode" TEXT,
ADD COLUMN     "localSendTime" TEXT,
ADD COLUMN     "pausedAt" TIMESTAMP(3),
ADD COLUMN     "plannedAt" TIMESTAMP(3),
ADD COLUMN     "scheduleMode" TEXT NOT NULL DEFAULT 'now';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "deferredBy" TEXT,
ADD COLUMN     "skipReason" TEXT;

-- CreateIndex
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");

-- CreateIndex
CREATE INDEX "Message_campaignId_status_idx" ON "Message"("campaignId", "status");

-- CreateIndex
CREATE INDEX "Message_subscriberId_kind_sentAt_idx" ON "Message"("subscriberId", "kind", "sentAt");
