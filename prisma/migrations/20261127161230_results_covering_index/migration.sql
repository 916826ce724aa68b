-- DropIndex
DROP INDEX "Message_campaignId_status_deliveredAt_idx";

-- CreateIndex
CREATE INDEX "Message_campaignId_status_deliveredAt_segments_deferredBy_idx" ON "Message"("campaignId", "status", "deliveredAt", "segments", "deferredBy");
