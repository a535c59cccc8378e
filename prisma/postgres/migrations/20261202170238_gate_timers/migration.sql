-- CreateTable
CREATE TABLE "GateTimer" (
    "id" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "stepKey" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "rule" TEXT,
    "stage" INTEGER NOT NULL DEFAULT 0,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "GateTimer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GateTimer_doneAt_dueAt_idx" ON "GateTimer"("doneAt", "dueAt");

-- CreateIndex
CREATE INDEX "GateTimer_stepId_idx" ON "GateTimer"("stepId");

-- AddForeignKey
ALTER TABLE "GateTimer" ADD CONSTRAINT "GateTimer_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

