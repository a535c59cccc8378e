-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Plan" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflow" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "input" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "conversation" TEXT,
    "threadKey" TEXT,
    "trigger" TEXT,
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "waitingOn" TEXT,
    "leaseOwner" TEXT,
    "leaseToken" TEXT,
    "leaseExpiresAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "budgetAllowanceUsd" REAL NOT NULL DEFAULT 0,
    "budgetAskUsd" REAL,
    "dryRun" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_Plan" ("budgetAllowanceUsd", "budgetAskUsd", "conversation", "createdAt", "finishedAt", "id", "input", "leaseExpiresAt", "leaseOwner", "leaseToken", "requestedBy", "runAfter", "status", "threadKey", "trigger", "updatedAt", "version", "waitingOn", "workflow") SELECT "budgetAllowanceUsd", "budgetAskUsd", "conversation", "createdAt", "finishedAt", "id", "input", "leaseExpiresAt", "leaseOwner", "leaseToken", "requestedBy", "runAfter", "status", "threadKey", "trigger", "updatedAt", "version", "waitingOn", "workflow" FROM "Plan";
DROP TABLE "Plan";
ALTER TABLE "new_Plan" RENAME TO "Plan";
CREATE UNIQUE INDEX "Plan_threadKey_key" ON "Plan"("threadKey");
CREATE INDEX "Plan_status_runAfter_idx" ON "Plan"("status", "runAfter");
CREATE INDEX "Plan_leaseOwner_idx" ON "Plan"("leaseOwner");
CREATE INDEX "Plan_waitingOn_status_idx" ON "Plan"("waitingOn", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

