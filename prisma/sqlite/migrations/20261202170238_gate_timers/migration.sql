-- CreateTable
CREATE TABLE "GateTimer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "stepKey" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "rule" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 0,
    "dueAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME,
    CONSTRAINT "GateTimer_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "GateTimer_doneAt_dueAt_idx" ON "GateTimer"("doneAt", "dueAt");

-- CreateIndex
CREATE INDEX "GateTimer_stepId_idx" ON "GateTimer"("stepId");

