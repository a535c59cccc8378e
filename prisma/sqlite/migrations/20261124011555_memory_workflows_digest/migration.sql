-- AlterTable
ALTER TABLE "Step" ADD COLUMN "remindedAt" DATETIME;

-- CreateTable
CREATE TABLE "MemoryRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "expiresAt" DATETIME,
    "contentHash" TEXT NOT NULL,
    "embeddingModel" TEXT,
    "embeddingVersion" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "indexedAt" DATETIME
);

-- CreateTable
CREATE TABLE "MemoryIndexTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recordId" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME
);

-- CreateTable
CREATE TABLE "RecallEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "query" TEXT NOT NULL,
    "workflow" TEXT,
    "planId" TEXT,
    "citedIds" TEXT NOT NULL,
    "degraded" BOOLEAN NOT NULL,
    "latencyMs" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "RetrievalEval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "embeddingModel" TEXT NOT NULL,
    "queries" INTEGER NOT NULL,
    "recallAt5" REAL NOT NULL,
    "precisionAt5" REAL NOT NULL,
    "mrr" REAL NOT NULL,
    "perWorkflow" TEXT NOT NULL DEFAULT '{}'
);

-- CreateTable
CREATE TABLE "ModelCall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "planId" TEXT,
    "stepKey" TEXT,
    "workflow" TEXT,
    "task" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "model" TEXT,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" REAL NOT NULL DEFAULT 0,
    "input" TEXT NOT NULL,
    "output" TEXT,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SequenceNumber" (
    "series" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("series", "number")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "day" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "noticeId" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "OperatorRevocation" (
    "userKey" TEXT NOT NULL PRIMARY KEY,
    "revokedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedBy" TEXT NOT NULL,
    "reason" TEXT
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

