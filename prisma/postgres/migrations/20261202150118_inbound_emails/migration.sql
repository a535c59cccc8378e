-- CreateTable
CREATE TABLE "InboundEmail" (
    "key" TEXT NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uidValidity" TEXT NOT NULL,
    "uid" INTEGER NOT NULL,
    "workflow" TEXT,
    "planId" TEXT,
    "rejected" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InboundEmail_pkey" PRIMARY KEY ("key")
);

