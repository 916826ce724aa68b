-- DropIndex
DROP INDEX "Message_campaignId_status_idx";

-- CreateIndex
CREATE INDEX "Message_campaignId_status_deliveredAt_idx" ON "Message"("campaignId", "status", "deliveredAt");
