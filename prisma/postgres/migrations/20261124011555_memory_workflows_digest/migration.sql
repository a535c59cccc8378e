-- AlterTable
ALTER TABLE "Step" ADD COLUMN     "remindedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MemoryRecord" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "sealedOriginal" TEXT,
    "source" TEXT NOT NULL,
    "link" TEXT,
    "planId" TEXT,
    "stepKey" TEXT,
    "workflow" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "retention" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "contentHash" TEXT NOT NULL,
    "embeddingModel" TEXT,
    "embeddingVersion" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "indexedAt" TIMESTAMP(3),

    CONSTRAINT "MemoryRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemoryIndexTask" (
    "id" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "MemoryIndexTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecallEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "query" TEXT NOT NULL,
    "workflow" TEXT,
    "planId" TEXT,
    "citedIds" TEXT NOT NULL,
    "degraded" BOOLEAN NOT NULL,
    "latencyMs" INTEGER NOT NULL,

    CONSTRAINT "RecallEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RetrievalEval" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "embeddingModel" TEXT NOT NULL,
    "queries" INTEGER NOT NULL,
    "recallAt5" DOUBLE PRECISION NOT NULL,
    "precisionAt5" DOUBLE PRECISION NOT NULL,
    "mrr" DOUBLE PRECISION NOT NULL,
    "perWorkflow" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "RetrievalEval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelCall" (
    "id" TEXT NOT NULL,
    "planId" TEXT,
    "stepKey" TEXT,
    "workflow" TEXT,
    "task" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "model" TEXT,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "input" TEXT NOT NULL,
    "output" TEXT,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SequenceNumber" (
    "series" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SequenceNumber_pkey" PRIMARY KEY ("series","number")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "noticeId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperatorRevocation" (
    "userKey" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedBy" TEXT NOT NULL,
    "reason" TEXT,

    CONSTRAINT "OperatorRevocation_pkey" PRIMARY KEY ("userKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "MemoryRecord_contentHash_key" ON "MemoryRecord"("contentHash");

-- CreateIndex
CREATE INDEX "MemoryRecord_expiresAt_idx" ON "MemoryRecord"("expiresAt");

-- CreateIndex
CREATE INDEX "MemoryRecord_workflow_idx" ON "MemoryRecord"("workflow");

-- CreateIndex
CREATE INDEX "MemoryRecord_indexedAt_idx" ON "MemoryRecord"("indexedAt");

-- CreateIndex
CREATE INDEX "MemoryIndexTask_doneAt_runAfter_idx" ON "MemoryIndexTask"("doneAt", "runAfter");

-- CreateIndex
CREATE INDEX "RecallEvent_at_idx" ON "RecallEvent"("at");

-- CreateIndex
CREATE INDEX "RetrievalEval_at_idx" ON "RetrievalEval"("at");

-- CreateIndex
CREATE INDEX "ModelCall_planId_idx" ON "ModelCall"("planId");

-- CreateIndex
CREATE INDEX "ModelCall_at_idx" ON "ModelCall"("at");

-- CreateIndex
CREATE UNIQUE INDEX "SequenceNumber_idempotencyKey_key" ON "SequenceNumber"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_day_channel_key" ON "DigestRun"("day", "channel");

