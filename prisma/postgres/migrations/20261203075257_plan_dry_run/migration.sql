-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "dryRun" BOOLEAN NOT NULL DEFAULT false;

