-- CreateTable
CREATE TABLE "BudgetSetting" (
    "cap" TEXT NOT NULL,
    "usd" DOUBLE PRECISION,
    "setBy" TEXT NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetSetting_pkey" PRIMARY KEY ("cap")
);

-- CreateTable
CREATE TABLE "ModelAnswer" (
    "planId" TEXT NOT NULL,
    "stepKey" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "requestKey" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelAnswer_pkey" PRIMARY KEY ("planId","stepKey","sequence")
);

