-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "messageRetentionDays" INTEGER NOT NULL DEFAULT 365;

-- AlterTable
ALTER TABLE "Subscriber" ADD COLUMN     "email" TEXT,
ADD COLUMN     "lastName" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "bodyPurgedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN     "bodyPurgedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SubscriberImport" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileHash" TEXT NOT NULL,
    "csv" TEXT,
    "mapping" TEXT NOT NULL,
    "confirmMode" TEXT NOT NULL,
    "staff" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "subscribedRows" INTEGER NOT NULL DEFAULT 0,
    "pendingRows" INTEGER NOT NULL DEFAULT 0,
    "unchangedRows" INTEGER NOT NULL DEFAULT 0,
    "refusedRows" INTEGER NOT NULL DEFAULT 0,
    "report" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "SubscriberImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SubscriberImport_shop_createdAt_idx" ON "SubscriberImport"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "SubscriberImport_status_lockedUntil_idx" ON "SubscriberImport"("status", "lockedUntil");

-- CreateIndex
CREATE INDEX "Subscriber_shop_updatedAt_idx" ON "Subscriber"("shop", "updatedAt");
