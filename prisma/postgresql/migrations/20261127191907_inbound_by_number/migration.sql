-- CreateIndex
CREATE INDEX "InboundMessage_shop_fromPhone_receivedAt_idx" ON "InboundMessage"("shop", "fromPhone", "receivedAt");
