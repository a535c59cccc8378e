-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "hook" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "planId" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("hook", "deliveryId")
);

