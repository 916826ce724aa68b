-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "settingsReviewedAt" DATETIME;
