-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "waitingOn" TEXT;

-- CreateTable
CREATE TABLE "Dependency" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "since" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "probeAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "figures" TEXT NOT NULL DEFAULT '{}',
    "openKey" TEXT,
    "firedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "notUsefulAt" DATETIME,
    "notUsefulBy" TEXT
);

-- CreateTable
CREATE TABLE "AlertRound" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "dueAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_openKey_key" ON "Alert"("openKey");

-- CreateIndex
CREATE INDEX "Alert_status_idx" ON "Alert"("status");

-- CreateIndex
CREATE INDEX "Alert_firedAt_idx" ON "Alert"("firedAt");

-- CreateIndex
CREATE INDEX "Plan_waitingOn_status_idx" ON "Plan"("waitingOn", "status");

