-- CreateTable
CREATE TABLE "InboundEmail" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "mailbox" TEXT NOT NULL,
    "uidValidity" TEXT NOT NULL,
    "uid" INTEGER NOT NULL,
    "workflow" TEXT,
    "planId" TEXT,
    "rejected" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

