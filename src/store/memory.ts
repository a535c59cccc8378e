// The memory repository: records (the source of truth), the index outbox that tells the indexer
// what Chroma has yet to apply, recall events and retrieval evaluations. A record and its index
// task are written in one transaction, so a record is never left without a way into the index.
import { insertRow, updateRows } from './rows.ts';
import { asDate, asNumber, databaseNow, sql, type DatabaseNow, type Row, type SqlRunner, type SqlStatement } from './sql.ts';
import { newId, orderedId } from './ids.ts';

export interface MemoryRow {
  id: string;
  kind: string;
  text: string;
  sealedOriginal: string | null;
  source: string;
  link: string | null;
  planId: string | null;
  stepKey: string | null;
  workflow: string | null;
  tags: string[];
  retention: string;
  expiresAt: Date | null;
  contentHash: string;
  embeddingModel: string | null;
  embeddingVersion: string | null;
  createdBy: string;
  createdAt: Date;
  indexedAt: Date | null;
}

/** What a caller supplies; ids, times and index state are the repository's business. */
export type MemoryDraft = Omit<MemoryRow, 'id' | 'createdAt' | 'indexedAt' | 'embeddingModel' | 'embeddingVersion'>;

export interface IndexTask {
  id: string;
  recordId: string;
  operation: 'upsert' | 'delete';
  attempts: number;
}

type Value = string | number | boolean | Date | DatabaseNow | null;

/** A statement with a list of values: `... IN (?, ?, ?)`. */
function statement(parts: string[], values: Value[]): SqlStatement {
  return sql(Object.assign([...parts], { raw: parts }) as TemplateStringsArray, ...values);
}

/**
 * head with its ? placeholders bound to leading, followed by `(?, ?, ...)` for list:
 * withList('UPDATE t SET a = ? WHERE id IN ', ids, [a]).
 */
function withList(head: string, list: Value[], leading: Value[] = []): SqlStatement {
  const parts = head.split('?');
  parts[parts.length - 1] += '(';
  return statement([...parts, ...list.slice(1).map(() => ', '), ')'], [...leading, ...list]);
}

const toRow = (row: Row): MemoryRow => ({
  id: row.id as string,
  kind: row.kind as string,
  text: row.text as string,
  sealedOriginal: (row.sealedOriginal as string | null) ?? null,
  source: row.source as string,
  link: (row.link as string | null) ?? null,
  planId: (row.planId as string | null) ?? null,
  stepKey: (row.stepKey as string | null) ?? null,
  workflow: (row.workflow as string | null) ?? null,
  tags: JSON.parse((row.tags as string) || '[]') as string[],
  retention: row.retention as string,
  expiresAt: asDate(row.expiresAt),
  contentHash: row.contentHash as string,
  embeddingModel: (row.embeddingModel as string | null) ?? null,
  embeddingVersion: (row.embeddingVersion as string | null) ?? null,
  createdBy: row.createdBy as string,
  createdAt: asDate(row.createdAt)!,
  indexedAt: asDate(row.indexedAt),
});

export const newMemoryId = () => newId('m');

/**
 * Inserts the record and its upsert task, unless a record with the same content hash exists:
 * then nothing is written and the existing id comes back (remembering twice is a no-op).
 */
export async function insertMemory(runner: SqlRunner, draft: MemoryDraft, now = new Date()): Promise<{ id: string; duplicate: boolean }> {
  const id = newMemoryId();
  const fields = Object.entries({ ...draft, id, tags: JSON.stringify(draft.tags), createdAt: now }) as [string, Value][];
  // ON CONFLICT rather than a read first: two writers of the same content never fail a
  // transaction (a plan checkpoint may carry memories), the second one just finds it there.
  const parts = [`INSERT INTO "MemoryRecord" (${fields.map(([column]) => `"${column}"`).join(', ')}) VALUES (`, ...fields.slice(1).map(() => ', '), ') ON CONFLICT ("contentHash") DO NOTHING'];
  const inserted = await runner.execute(statement(parts, fields.map(([, value]) => value)));
  if (inserted === 0) {
    const [existing] = await runner.query(sql`SELECT "id" FROM "MemoryRecord" WHERE "contentHash" = ${draft.contentHash}`);
    return { id: existing!.id as string, duplicate: true };
  }
  await insertIndexTask(runner, id, 'upsert', now);
  return { id, duplicate: false };
}

function insertIndexTask(runner: SqlRunner, recordId: string, operation: 'upsert' | 'delete', now: Date) {
  return insertRow(runner, 'MemoryIndexTask', { id: orderedId('t'), recordId, operation, attempts: 0, runAfter: databaseNow(), createdAt: now });
}

/** Deletes the record and queues the deletion of its vector; false when there was no such record. */
export async function deleteMemory(runner: SqlRunner, id: string, now = new Date()): Promise<boolean> {
  const deleted = await runner.execute(sql`DELETE FROM "MemoryRecord" WHERE "id" = ${id}`);
  if (deleted === 0) return false;
  await insertIndexTask(runner, id, 'delete', now);
  return true;
}

/** The live records among ids (forgotten ones are gone; expired ones are left out), in no order. */
export async function findLiveMemories(runner: SqlRunner, ids: string[], now = new Date()): Promise<MemoryRow[]> {
  if (ids.length === 0) return [];
  const rows = await runner.query(withList('SELECT * FROM "MemoryRecord" WHERE "id" IN ', ids));
  return rows.map(toRow).filter((row) => !row.expiresAt || row.expiresAt > now);
}

/**
 * Live records whose text contains any of the words (case-insensitive), for the keyword search
 * that answers while Chroma is down. At most limit rows, newest first.
 */
export async function findMemoriesContaining(runner: SqlRunner, words: string[], limit: number, now = new Date()): Promise<MemoryRow[]> {
  if (words.length === 0) return [];
  const patterns = words.map((word) => `%${word.toLowerCase().replace(/[%_\\]/g, '')}%`);
  const parts = ['SELECT * FROM "MemoryRecord" WHERE ("expiresAt" IS NULL OR "expiresAt" > ', ') AND (LOWER("text") LIKE ', ...patterns.slice(1).map(() => ' OR LOWER("text") LIKE '), ') ORDER BY "createdAt" DESC LIMIT ', ''];
  const rows = await runner.query(statement(parts, [now, ...patterns, limit]));
  return rows.map(toRow);
}

/** Index tasks due by the database's clock, oldest first, so a record's upsert and a later delete apply in order. */
export async function dueIndexTasks(runner: SqlRunner, limit: number): Promise<IndexTask[]> {
  const rows = await runner.query(
    sql`SELECT "id", "recordId", "operation", "attempts" FROM "MemoryIndexTask" WHERE "doneAt" IS NULL AND "runAfter" <= ${databaseNow()} ORDER BY "createdAt", "id" LIMIT ${limit}`,
  );
  return rows.map((row) => ({ id: row.id as string, recordId: row.recordId as string, operation: row.operation as 'upsert' | 'delete', attempts: asNumber(row.attempts) }));
}

export async function pendingIndexTaskCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(sql`SELECT COUNT(*) AS "n" FROM "MemoryIndexTask" WHERE "doneAt" IS NULL`);
  return asNumber(row?.n ?? 0);
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
  return runner.execute(withList('UPDATE "MemoryIndexTask" SET "doneAt" = ?, "lastError" = NULL WHERE "id" IN ', taskIds, [now]));
}

export function markIndexed(runner: SqlRunner, recordIds: string[], model: string, version: string, now = new Date()): Promise<number> {
  return runner.execute(
    withList('UPDATE "MemoryRecord" SET "indexedAt" = ?, "embeddingModel" = ?, "embeddingVersion" = ? WHERE "id" IN ', recordIds, [now, model, version]),
  );
}

/** Puts tasks back for delayMs (by the database's clock) after a failed attempt. */
export async function deferIndexTasks(runner: SqlRunner, tasks: IndexTask[], delayMs: number, error: string): Promise<void> {
  for (const task of tasks) {
    await updateRows(runner, 'MemoryIndexTask', { attempts: task.attempts + 1, runAfter: databaseNow(delayMs), lastError: error.slice(0, 1000) }, { id: task.id });
  }
}

/** One page of records in id order, for reindexing and verification. */
export async function memoryPage(runner: SqlRunner, afterId: string, limit: number): Promise<MemoryRow[]> {
  const rows = await runner.query(sql`SELECT * FROM "MemoryRecord" WHERE "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`);
  return rows.map(toRow);
}

export async function memoryCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(sql`SELECT COUNT(*) AS "n" FROM "MemoryRecord"`);
  return asNumber(row?.n ?? 0);
}

/** Ids of records whose expiry has passed, oldest expiry first. */
export async function expiredMemoryIds(runner: SqlRunner, limit: number, now = new Date()): Promise<string[]> {
  const rows = await runner.query(
    sql`SELECT "id" FROM "MemoryRecord" WHERE "expiresAt" IS NOT NULL AND "expiresAt" <= ${now} ORDER BY "expiresAt" LIMIT ${limit}`,
  );
  return rows.map((row) => row.id as string);
}

/** Records that keep a sealed original, for key rotation. */
export async function sealedMemories(runner: SqlRunner, afterId: string, limit: number): Promise<{ id: string; sealedOriginal: string }[]> {
  const rows = await runner.query(
    sql`SELECT "id", "sealedOriginal" FROM "MemoryRecord" WHERE "sealedOriginal" IS NOT NULL AND "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`,
  );
  return rows.map((row) => ({ id: row.id as string, sealedOriginal: row.sealedOriginal as string }));
}

export async function updateSealedOriginal(runner: SqlRunner, id: string, sealedOriginal: string): Promise<void> {
  await updateRows(runner, 'MemoryRecord', { sealedOriginal }, { id });
}

export interface RecallEventDraft {
  query: string;
  workflow: string | null;
  planId: string | null;
  citedIds: string[];
  degraded: boolean;
  latencyMs: number;
}

export async function insertRecallEvent(runner: SqlRunner, event: RecallEventDraft, now = new Date()): Promise<void> {
  await insertRow(runner, 'RecallEvent', { id: orderedId('r'), at: now, ...event, citedIds: JSON.stringify(event.citedIds), latencyMs: Math.round(event.latencyMs) });
}

export interface RetrievalFiguresRow {
  queries: number;
  recallAt5: number;
  precisionAt5: number;
  mrr: number;
}

export async function insertRetrievalEval(
  runner: SqlRunner,
  row: RetrievalFiguresRow & { embeddingModel: string; perWorkflow: Record<string, RetrievalFiguresRow> },
  now = new Date(),
): Promise<string> {
  const id = orderedId('e');
  await insertRow(runner, 'RetrievalEval', { ...row, id, at: now, perWorkflow: JSON.stringify(row.perWorkflow) });
  return id;
}
