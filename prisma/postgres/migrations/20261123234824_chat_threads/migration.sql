-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "threadKey" TEXT;

-- AlterTable
ALTER TABLE "AuditEntry" ALTER COLUMN "planId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_threadKey_key" ON "Plan"("threadKey");

