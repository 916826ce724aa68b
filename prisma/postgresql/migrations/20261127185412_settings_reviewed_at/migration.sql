-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "settingsReviewedAt" TIMESTAMP(3);
