-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "hook" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "planId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("hook","deliveryId")
);

