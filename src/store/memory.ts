// The memory repository: records (the source of truth), the index outbox that tells the indexer
// what Chroma has yet to apply, recall events and retrieval evaluations. A record and its index
// task are written in one transaction, so a record is never left without a way into the index.
import type { MemoryIndexTask, MemoryRecord, RecallEvent, RetrievalEval } from './generated/sqlite/client.ts';
import { deleteRecordEntities } from './entities.ts';
import { newId, orderedId } from './ids.ts';
import { databaseNow, insertValues, join, sql, type SqlRunner, type SqlValue } from './sql.ts';
import type { Store } from './store.ts';

/** A memory record with its tags parsed. */
export type MemoryRow = Omit<MemoryRecord, 'tags'> & { tags: string[] };

/** What a caller supplies; ids, times and index state are the repository's business. */
export type MemoryDraft = Omit<MemoryRow, 'id' | 'createdAt' | 'indexedAt' | 'embeddingModel' | 'embeddingVersion' | 'entitiesAt'>;

export type IndexTask = Pick<MemoryIndexTask, 'id' | 'recordId' | 'attempts'> & { operation: 'upsert' | 'delete' };

/** `(?, ?, ...)` for a list of values. */
const list = (values: readonly SqlValue[]) => sql`(${join(values.map((value) => sql`${value}`), ', ')})`;

const toRow = ({ tags, ...row }: MemoryRecord): MemoryRow => ({ ...row, tags: JSON.parse(tags || '[]') as string[] });

export const newMemoryId = () => newId('m');

/**
 * Inserts the record and its upsert task, unless a record with the same content hash exists:
 * then nothing is written and the existing id comes back (remembering twice is a no-op).
 */
export async function insertMemory(runner: SqlRunner, draft: MemoryDraft, now = new Date()): Promise<{ id: string; duplicate: boolean }> {
  const id = newMemoryId();
  const record: Omit<MemoryRecord, 'indexedAt' | 'embeddingModel' | 'embeddingVersion' | 'entitiesAt'> = { ...draft, id, tags: JSON.stringify(draft.tags), createdAt: now };
  // ON CONFLICT rather than a read first: two writers of the same content never fail a
  // transaction (a plan checkpoint may carry memories), the second one just finds it there.
  const inserted = await runner.execute(sql`INSERT INTO "MemoryRecord" ${insertValues(record)} ON CONFLICT ("contentHash") DO NOTHING`);
  if (inserted === 0) {
    const [existing] = await runner.query(sql<Pick<MemoryRecord, 'id'>>`SELECT "id" FROM "MemoryRecord" WHERE "contentHash" = ${draft.contentHash}`);
    return { id: existing!.id, duplicate: true };
  }
  await insertIndexTask(runner, id, 'upsert', now);
  return { id, duplicate: false };
}

function insertIndexTask(runner: SqlRunner, recordId: string, operation: 'upsert' | 'delete', now: Date) {
  const task = { id: orderedId('t'), recordId, operation, attempts: 0, runAfter: databaseNow(), createdAt: now };
  return runner.execute(sql`INSERT INTO "MemoryIndexTask" ${insertValues(task)}`);
}

/**
 * Queues an upsert for every record indexed by another embedder (model or version) than this one,
 * so a new embedder's collection fills by itself; returns how many. Two replicas doing it at once
 * only queue an upsert twice.
 */
export async function queueRecordsIndexedElsewhere(store: Store, model: string, version: string): Promise<number> {
  const stale = await store.prisma((db) =>
    db.memoryRecord.findMany({ where: { indexedAt: { not: null }, NOT: { embeddingModel: model, embeddingVersion: version } }, select: { id: true } }),
  );
  if (stale.length === 0) return 0;
  const { count } = await store.prisma((db) =>
    db.memoryIndexTask.createMany({ data: stale.map((record) => ({ id: orderedId('t'), recordId: record.id, operation: 'upsert' })) }),
  );
  return count;
}

/** Deletes the record and queues the deletion of its vector; false when there was no such record. */
export async function deleteMemory(runner: SqlRunner, id: string, now = new Date()): Promise<boolean> {
  const deleted = await runner.execute(sql`DELETE FROM "MemoryRecord" WHERE "id" = ${id}`);
  if (deleted === 0) return false;
  await deleteRecordEntities(runner, id);
  await insertIndexTask(runner, id, 'delete', now);
  return true;
}

/** The live records among ids (forgotten ones are gone; expired ones are left out), in no order. */
export async function findLiveMemories(runner: SqlRunner, ids: string[], now = new Date()): Promise<MemoryRow[]> {
  if (ids.length === 0) return [];
  const rows = await runner.query(sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "id" IN ${list(ids)}`);
  return rows.map(toRow).filter((row) => !row.expiresAt || row.expiresAt > now);
}

/**
 * Live records whose text contains any of the words (case-insensitive), for the keyword search
 * that answers while Chroma is down. At most limit rows, newest first.
 */
export async function findMemoriesContaining(runner: SqlRunner, words: string[], limit: number, now = new Date()): Promise<MemoryRow[]> {
  if (words.length === 0) return [];
  const patterns = words.map((word) => `%${word.toLowerCase().replace(/[%_\\]/g, '')}%`);
  const matches = join(patterns.map((pattern) => sql`LOWER("text") LIKE ${pattern}`), ' OR ');
  const rows = await runner.query(
    sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE ("expiresAt" IS NULL OR "expiresAt" > ${now}) AND (${matches}) ORDER BY "createdAt" DESC LIMIT ${limit}`,
  );
  return rows.map(toRow);
}

/** Index tasks due by the database's clock, oldest first, so a record's upsert and a later delete apply in order. */
export async function dueIndexTasks(runner: SqlRunner, limit: number): Promise<IndexTask[]> {
  const rows = await runner.query(
    sql<Pick<MemoryIndexTask, 'id' | 'recordId' | 'operation' | 'attempts'>>`SELECT "id", "recordId", "operation", "attempts" FROM "MemoryIndexTask"
        WHERE "doneAt" IS NULL AND "runAfter" <= ${databaseNow()} ORDER BY "createdAt", "id" LIMIT ${limit}`,
  );
  return rows.map((row) => ({ ...row, operation: row.operation === 'delete' ? 'delete' : 'upsert' }));
}

export async function pendingIndexTaskCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(sql<{ n: number }>`SELECT COUNT(*) AS "n" FROM "MemoryIndexTask" WHERE "doneAt" IS NULL`);
  return Number(row?.n ?? 0);
}

/** Marks tasks done and the upserted records indexed under the embedding model that embedded them. */
export async function completeIndexTasks(
  runner: SqlRunner,
  taskIds: string[],
  indexed: { recordIds: string[]; model: string; version: string },
  now = new Date(),
): Promise<void> {
  if (taskIds.length > 0) await markDone(runner, taskIds, now);
  if (indexed.recordIds.length > 0) await markIndexed(runner, indexed.recordIds, indexed.model, indexed.version, now);
}

function markDone(runner: SqlRunner, taskIds: string[], now: Date): Promise<number> {
  return runner.execute(sql`UPDATE "MemoryIndexTask" SET "doneAt" = ${now}, "lastError" = NULL WHERE "id" IN ${list(taskIds)}`);
}

export function markIndexed(runner: SqlRunner, recordIds: string[], model: string, version: string, now = new Date()): Promise<number> {
  return runner.execute(
    sql`UPDATE "MemoryRecord" SET "indexedAt" = ${now}, "embeddingModel" = ${model}, "embeddingVersion" = ${version} WHERE "id" IN ${list(recordIds)}`,
  );
}

/** Puts tasks back for delayMs (by the database's clock) after a failed attempt. */
export async function deferIndexTasks(runner: SqlRunner, tasks: IndexTask[], delayMs: number, error: string): Promise<void> {
  for (const task of tasks) {
    await runner.execute(
      sql`UPDATE "MemoryIndexTask" SET "attempts" = ${task.attempts + 1}, "runAfter" = ${databaseNow(delayMs)}, "lastError" = ${error.slice(0, 1000)} WHERE "id" = ${task.id}`,
    );
  }
}

/** One page of records in id order, for reindexing and verification. */
export async function memoryPage(runner: SqlRunner, afterId: string, limit: number): Promise<MemoryRow[]> {
  const rows = await runner.query(sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`);
  return rows.map(toRow);
}

export async function memoryCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(sql<{ n: number }>`SELECT COUNT(*) AS "n" FROM "MemoryRecord"`);
  return Number(row?.n ?? 0);
}

/** Ids of records whose expiry has passed, oldest expiry first. */
export async function expiredMemoryIds(runner: SqlRunner, limit: number, now = new Date()): Promise<string[]> {
  const rows = await runner.query(
    sql<Pick<MemoryRecord, 'id'>>`SELECT "id" FROM "MemoryRecord" WHERE "expiresAt" IS NOT NULL AND "expiresAt" <= ${now} ORDER BY "expiresAt" LIMIT ${limit}`,
  );
  return rows.map((row) => row.id);
}

/** Records that keep a sealed original, for key rotation. */
export async function sealedMemories(runner: SqlRunner, afterId: string, limit: number): Promise<{ id: string; sealedOriginal: string }[]> {
  const rows = await runner.query(
    sql<Pick<MemoryRecord, 'id' | 'sealedOriginal'>>`SELECT "id", "sealedOriginal" FROM "MemoryRecord" WHERE "sealedOriginal" IS NOT NULL AND "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`,
  );
  return rows.flatMap(({ id, sealedOriginal }) => (sealedOriginal === null ? [] : [{ id, sealedOriginal }]));
}

export async function updateSealedOriginal(runner: SqlRunner, id: string, sealedOriginal: string): Promise<void> {
  await runner.execute(sql`UPDATE "MemoryRecord" SET "sealedOriginal" = ${sealedOriginal} WHERE "id" = ${id}`);
}

export type RecallEventDraft = Omit<RecallEvent, 'id' | 'at' | 'citedIds'> & { citedIds: string[] };

export async function insertRecallEvent(runner: SqlRunner, event: RecallEventDraft, now = new Date()): Promise<void> {
  const row: RecallEvent = { id: orderedId('r'), at: now, ...event, citedIds: JSON.stringify(event.citedIds), latencyMs: Math.round(event.latencyMs) };
  await runner.execute(sql`INSERT INTO "RecallEvent" ${insertValues(row)}`);
}

export type RetrievalFiguresRow = Pick<RetrievalEval, 'queries' | 'recallAt5' | 'precisionAt5' | 'mrr'>;

export async function insertRetrievalEval(
  runner: SqlRunner,
  row: RetrievalFiguresRow & { embeddingModel: string; perWorkflow: Record<string, RetrievalFiguresRow> },
  now = new Date(),
): Promise<string> {
  const id = orderedId('e');
  const evaluation: RetrievalEval = { ...row, id, at: now, perWorkflow: JSON.stringify(row.perWorkflow) };
  await runner.execute(sql`INSERT INTO "RetrievalEval" ${insertValues(evaluation)}`);
  return id;
}
