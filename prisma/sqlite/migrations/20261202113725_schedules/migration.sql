-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "trigger" TEXT;

-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflow" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "phrase" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "catchUp" TEXT NOT NULL DEFAULT 'once',
    "status" TEXT NOT NULL DEFAULT 'active',
    "nextFireAt" DATETIME,
    "conversation" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ScheduleRun" (
    "scheduleId" TEXT NOT NULL,
    "fireAt" DATETIME NOT NULL,
    "planId" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("scheduleId", "fireAt"),
    CONSTRAINT "ScheduleRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Schedule_status_nextFireAt_idx" ON "Schedule"("status", "nextFireAt");

