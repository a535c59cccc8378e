-- CreateTable
CREATE TABLE "BudgetSetting" (
    "cap" TEXT NOT NULL PRIMARY KEY,
    "usd" REAL,
    "setBy" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

