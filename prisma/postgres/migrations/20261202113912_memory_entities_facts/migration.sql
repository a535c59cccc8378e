-- AlterTable
ALTER TABLE "MemoryRecord" ADD COLUMN     "entitiesAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MemoryEntity" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemoryEntity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemoryEntityAlias" (
    "alias" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "MemoryEntityAlias_pkey" PRIMARY KEY ("alias")
);

-- CreateTable
CREATE TABLE "MemoryMention" (
    "recordId" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,

    CONSTRAINT "MemoryMention_pkey" PRIMARY KEY ("recordId","entityId")
);

-- CreateTable
CREATE TABLE "MemoryFact" (
    "id" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "attribute" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemoryFact_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemoryEntityAlias_entityId_idx" ON "MemoryEntityAlias"("entityId");

-- CreateIndex
CREATE INDEX "MemoryMention_entityId_idx" ON "MemoryMention"("entityId");

-- CreateIndex
CREATE INDEX "MemoryFact_entityId_attribute_validFrom_idx" ON "MemoryFact"("entityId", "attribute", "validFrom");

-- CreateIndex
CREATE INDEX "MemoryFact_recordId_idx" ON "MemoryFact"("recordId");

-- CreateIndex
CREATE INDEX "MemoryRecord_createdAt_idx" ON "MemoryRecord"("createdAt");

-- CreateIndex
CREATE INDEX "MemoryRecord_entitiesAt_idx" ON "MemoryRecord"("entitiesAt");

-- AddForeignKey
ALTER TABLE "MemoryEntityAlias" ADD CONSTRAINT "MemoryEntityAlias_entityId_fkey" FOREIGN KEY ("entityId") REFERENCES "MemoryEntity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

