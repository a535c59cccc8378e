-- CreateTable
CREATE TABLE "BudgetSetting" (
    "cap" TEXT NOT NULL,
    "usd" DOUBLE PRECISION,
    "setBy" TEXT NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetSetting_pkey" PRIMARY KEY ("cap")
);

