// The memory repository: records (the source of truth), the index outbox that tells the indexer
// what Chroma has yet to apply, recall events and retrieval evaluations. A record and its index
// task are written in one transaction, so a record is never left without a way into the index.
import type { MemoryIndexTask, MemoryRecord, RecallEvent, RetrievalEval } from './generated/sqlite/client.ts';
import { deleteRecordEntities } from './entities.ts';
import { newId, orderedId } from './ids.ts';
import { memoryStatements as statements, type RecordInsert } from './memory-statements.ts';
import { databaseNow, type SqlRunner } from './sql.ts';
import type { Store } from './store.ts';

/** A memory record with its tags parsed. */
export type MemoryRow = Omit<MemoryRecord, 'tags'> & { tags: string[] };

/** What a caller supplies; ids, times and index state are the repository's business. */
export type MemoryDraft = Omit<MemoryRow, 'id' | 'createdAt' | 'indexedAt' | 'embeddingModel' | 'embeddingVersion' | 'entitiesAt'>;

export type IndexTask = Pick<MemoryIndexTask, 'id' | 'recordId' | 'attempts'> & { operation: 'upsert' | 'delete' };

const toRow = ({ tags, ...row }: MemoryRecord): MemoryRow => ({ ...row, tags: JSON.parse(tags || '[]') as string[] });

export const newMemoryId = () => newId('m');

/**
 * Inserts the record and its upsert task, unless a record with the same content hash exists:
 * then nothing is written and the existing id comes back (remembering twice is a no-op).
 */
export async function insertMemory(runner: SqlRunner, draft: MemoryDraft, now = new Date()): Promise<{ id: string; duplicate: boolean }> {
  const id = newMemoryId();
  const record: RecordInsert = { ...draft, id, tags: JSON.stringify(draft.tags), createdAt: now };
  // ON CONFLICT rather than a read first: two writers of the same content never fail a
  // transaction (a plan checkpoint may carry memories), the second one just finds it there.
  const inserted = await runner.execute(statements.insertRecord(record));
  if (inserted === 0) {
    const [existing] = await runner.query(statements.recordIdByHash(draft.contentHash));
    return { id: existing!.id, duplicate: true };
  }
  await insertIndexTask(runner, id, 'upsert', now);
  return { id, duplicate: false };
}

function insertIndexTask(runner: SqlRunner, recordId: string, operation: 'upsert' | 'delete', now: Date) {
  return runner.execute(statements.insertIndexTask({ id: orderedId('t'), recordId, operation, attempts: 0, runAfter: databaseNow(), createdAt: now }));
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
  const deleted = await runner.execute(statements.deleteRecord(id));
  if (deleted === 0) return false;
  await deleteRecordEntities(runner, id);
  await insertIndexTask(runner, id, 'delete', now);
  return true;
}

/** The live records among ids (forgotten ones are gone; expired ones are left out), in no order. */
export async function findLiveMemories(runner: SqlRunner, ids: string[], now = new Date()): Promise<MemoryRow[]> {
  if (ids.length === 0) return [];
  const rows = await runner.query(statements.recordsByIds(ids));
  return rows.map(toRow).filter((row) => !row.expiresAt || row.expiresAt > now);
}

/** What the lexical index needs of a record. */
export type LexicalRow = Pick<MemoryRecord, 'id' | 'text' | 'workflow'> & { entitiesAt: Date };

/** Records whose entities were read after the (time, id) position given (all when null), in reading order; for the lexical index to follow the store. */
export async function recordsReadAfter(runner: SqlRunner, after: { at: Date; id: string } | null, limit: number): Promise<LexicalRow[]> {
  return readRows(await runner.query(statements.recordsReadAfter(after, limit)));
}

/** The rows whose entities were read (the statements select only those; this says so to the types). */
const readRows = (rows: (Omit<LexicalRow, 'entitiesAt'> & { entitiesAt: Date | null })[]): LexicalRow[] =>
  rows.flatMap((row) => (row.entitiesAt ? [{ ...row, entitiesAt: row.entitiesAt }] : []));

/** The ids of records whose entities were read at or after since. */
export async function recordIdsReadSince(runner: SqlRunner, since: Date): Promise<string[]> {
  return (await runner.query(statements.recordIdsReadSince(since))).map((row) => row.id);
}

/** The read records among ids, as the lexical index needs them. */
export async function lexicalRowsByIds(runner: SqlRunner, ids: string[]): Promise<LexicalRow[]> {
  const rows: LexicalRow[] = [];
  // Bounded IN lists, as knownAliases.
  for (let i = 0; i < ids.length; i += 500) {
    rows.push(...readRows(await runner.query(statements.lexicalRowsByIds(ids.slice(i, i + 500)))));
  }
  return rows;
}

/** Index tasks due by the database's clock, oldest first, so a record's upsert and a later delete apply in order. */
export async function dueIndexTasks(runner: SqlRunner, limit: number): Promise<IndexTask[]> {
  const rows = await runner.query(statements.dueIndexTasks(limit));
  return rows.map((row) => ({ ...row, operation: row.operation === 'delete' ? 'delete' : 'upsert' }));
}

export async function pendingIndexTaskCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(statements.pendingIndexTaskCount());
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
  return runner.execute(statements.markIndexTasksDone(taskIds, now));
}

export function markIndexed(runner: SqlRunner, recordIds: string[], model: string, version: string, now = new Date()): Promise<number> {
  return runner.execute(statements.markIndexed(recordIds, model, version, now));
}

/** Puts tasks back for delayMs (by the database's clock) after a failed attempt. */
export async function deferIndexTasks(runner: SqlRunner, tasks: IndexTask[], delayMs: number, error: string): Promise<void> {
  for (const task of tasks) {
    await runner.execute(statements.deferIndexTask(task.id, task.attempts + 1, delayMs, error.slice(0, 1000)));
  }
}

/** One page of records in id order, for reindexing and verification. */
export async function memoryPage(runner: SqlRunner, afterId: string, limit: number): Promise<MemoryRow[]> {
  const rows = await runner.query(statements.recordPage(afterId, limit));
  return rows.map(toRow);
}

export async function memoryCount(runner: SqlRunner): Promise<number> {
  const [row] = await runner.query(statements.recordCount());
  return Number(row?.n ?? 0);
}

/** Ids of records whose expiry has passed, oldest expiry first. */
export async function expiredMemoryIds(runner: SqlRunner, limit: number, now = new Date()): Promise<string[]> {
  const rows = await runner.query(statements.expiredRecordIds(now, limit));
  return rows.map((row) => row.id);
}

/** Records that keep a sealed original, for key rotation. */
export async function sealedMemories(runner: SqlRunner, afterId: string, limit: number): Promise<{ id: string; sealedOriginal: string }[]> {
  const rows = await runner.query(statements.sealedRecords(afterId, limit));
  return rows.flatMap(({ id, sealedOriginal }) => (sealedOriginal === null ? [] : [{ id, sealedOriginal }]));
}

export async function updateSealedOriginal(runner: SqlRunner, id: string, sealedOriginal: string): Promise<void> {
  await runner.execute(statements.updateSealedOriginal(id, sealedOriginal));
}

export type RecallEventDraft = Omit<RecallEvent, 'id' | 'at' | 'citedIds'> & { citedIds: string[] };

export async function insertRecallEvent(runner: SqlRunner, event: RecallEventDraft, now = new Date()): Promise<void> {
  const row: RecallEvent = { id: orderedId('r'), at: now, ...event, citedIds: JSON.stringify(event.citedIds), latencyMs: Math.round(event.latencyMs) };
  await runner.execute(statements.insertRecallEvent(row));
}

export type RetrievalFiguresRow = Pick<RetrievalEval, 'queries' | 'recallAt5' | 'precisionAt5' | 'mrr'>;

export async function insertRetrievalEval(
  runner: SqlRunner,
  row: RetrievalFiguresRow & { embeddingModel: string; perWorkflow: Record<string, RetrievalFiguresRow> },
  now = new Date(),
): Promise<string> {
  const id = orderedId('e');
  const evaluation: RetrievalEval = { ...row, id, at: now, perWorkflow: JSON.stringify(row.perWorkflow) };
  await runner.execute(statements.insertRetrievalEval(evaluation));
  return id;
}
