-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "InboundEvent";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "InboxEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseToken" TEXT,
    "leaseExpiresAt" DATETIME,
    "appliedAt" DATETIME,
    "answeredAt" DATETIME,
    "answer" TEXT,
    "lastError" TEXT
);

-- CreateIndex
CREATE INDEX "InboxEntry_answeredAt_receivedAt_idx" ON "InboxEntry"("answeredAt", "receivedAt");

