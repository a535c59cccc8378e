-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "trigger" TEXT;

-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "workflow" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "phrase" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "catchUp" TEXT NOT NULL DEFAULT 'once',
    "status" TEXT NOT NULL DEFAULT 'active',
    "nextFireAt" TIMESTAMP(3),
    "conversation" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "scheduleId" TEXT NOT NULL,
    "fireAt" TIMESTAMP(3) NOT NULL,
    "planId" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduleRun_pkey" PRIMARY KEY ("scheduleId","fireAt")
);

-- CreateIndex
CREATE INDEX "Schedule_status_nextFireAt_idx" ON "Schedule"("status", "nextFireAt");

-- AddForeignKey
ALTER TABLE "ScheduleRun" ADD CONSTRAINT "ScheduleRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

