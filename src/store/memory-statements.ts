// Memory's SQL, each statement named and kept here, as the conductor's are in statements.ts:
// records and their index outbox, recall events and evaluations (memory.ts), and the entities,
// aliases, mentions and facts that entity and keyword recall read (entities.ts). Row types are
// the Prisma schema's generated model types.
import type { MemoryEntity, MemoryEntityAlias, MemoryFact, MemoryIndexTask, MemoryMention, MemoryRecord, RecallEvent, RetrievalEval } from './generated/sqlite/client.ts';
import { databaseNow, insertValues, join, sql, type DatabaseNow, type SqlValue } from './sql.ts';

/** `(?, ?, ...)` for a list of values. */
const list = (values: readonly SqlValue[]) => sql`(${join(values.map((value) => sql`${value}`), ', ')})`;

export type RecordInsert = Omit<MemoryRecord, 'indexedAt' | 'embeddingModel' | 'embeddingVersion' | 'entitiesAt'>;
export type IndexTaskInsert = Pick<MemoryIndexTask, 'id' | 'recordId' | 'operation' | 'attempts' | 'createdAt'> & { runAfter: DatabaseNow };

export const memoryStatements = {
  /** Remembering the same content twice meets the unique hash and writes nothing. */
  insertRecord: (record: RecordInsert) => sql`INSERT INTO "MemoryRecord" ${insertValues(record)} ON CONFLICT ("contentHash") DO NOTHING`,
  recordIdByHash: (contentHash: string) => sql<Pick<MemoryRecord, 'id'>>`SELECT "id" FROM "MemoryRecord" WHERE "contentHash" = ${contentHash}`,
  deleteRecord: (id: string) => sql`DELETE FROM "MemoryRecord" WHERE "id" = ${id}`,
  recordsByIds: (ids: readonly string[]) => sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "id" IN ${list(ids)}`,
  /** Read records after a (time, id) position (all when null), in reading order. */
  recordsReadAfter: (after: { at: Date; id: string } | null, limit: number) => {
    // The range on entitiesAt alone comes first, so the index serves it.
    const position = after ? sql`"entitiesAt" >= ${after.at} AND ("entitiesAt" > ${after.at} OR "id" > ${after.id})` : sql`"entitiesAt" IS NOT NULL`;
    return sql<Pick<MemoryRecord, 'id' | 'text' | 'workflow' | 'entitiesAt'>>`SELECT "id", "text", "workflow", "entitiesAt" FROM "MemoryRecord" WHERE ${position} ORDER BY "entitiesAt", "id" LIMIT ${limit}`;
  },
  /** The ids of records read at or after since: the window a late commit can land in. */
  recordIdsReadSince: (since: Date) => sql<Pick<MemoryRecord, 'id'>>`SELECT "id" FROM "MemoryRecord" WHERE "entitiesAt" >= ${since}`,
  /** What the lexical index needs of these records. */
  lexicalRowsByIds: (ids: readonly string[]) =>
    sql<Pick<MemoryRecord, 'id' | 'text' | 'workflow' | 'entitiesAt'>>`SELECT "id", "text", "workflow", "entitiesAt" FROM "MemoryRecord" WHERE "id" IN ${list(ids)} AND "entitiesAt" IS NOT NULL`,
  recordPage: (afterId: string, limit: number) => sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`,
  recordCount: () => sql<{ n: number }>`SELECT COUNT(*) AS "n" FROM "MemoryRecord"`,
  expiredRecordIds: (now: Date, limit: number) =>
    sql<Pick<MemoryRecord, 'id'>>`SELECT "id" FROM "MemoryRecord" WHERE "expiresAt" IS NOT NULL AND "expiresAt" <= ${now} ORDER BY "expiresAt" LIMIT ${limit}`,
  sealedRecords: (afterId: string, limit: number) =>
    sql<Pick<MemoryRecord, 'id' | 'sealedOriginal'>>`SELECT "id", "sealedOriginal" FROM "MemoryRecord" WHERE "sealedOriginal" IS NOT NULL AND "id" > ${afterId} ORDER BY "id" LIMIT ${limit}`,
  updateSealedOriginal: (id: string, sealedOriginal: string) => sql`UPDATE "MemoryRecord" SET "sealedOriginal" = ${sealedOriginal} WHERE "id" = ${id}`,
  markIndexed: (recordIds: readonly string[], model: string, version: string, now: Date) =>
    sql`UPDATE "MemoryRecord" SET "indexedAt" = ${now}, "embeddingModel" = ${model}, "embeddingVersion" = ${version} WHERE "id" IN ${list(recordIds)}`,

  insertIndexTask: (task: IndexTaskInsert) => sql`INSERT INTO "MemoryIndexTask" ${insertValues(task)}`,
  /** Due by the database's clock, oldest first, so a record's upsert and a later delete apply in order. */
  dueIndexTasks: (limit: number) =>
    sql<Pick<MemoryIndexTask, 'id' | 'recordId' | 'operation' | 'attempts'>>`SELECT "id", "recordId", "operation", "attempts" FROM "MemoryIndexTask"
        WHERE "doneAt" IS NULL AND "runAfter" <= ${databaseNow()} ORDER BY "createdAt", "id" LIMIT ${limit}`,
  pendingIndexTaskCount: () => sql<{ n: number }>`SELECT COUNT(*) AS "n" FROM "MemoryIndexTask" WHERE "doneAt" IS NULL`,
  markIndexTasksDone: (taskIds: readonly string[], now: Date) => sql`UPDATE "MemoryIndexTask" SET "doneAt" = ${now}, "lastError" = NULL WHERE "id" IN ${list(taskIds)}`,
  deferIndexTask: (taskId: string, attempts: number, delayMs: number, error: string) =>
    sql`UPDATE "MemoryIndexTask" SET "attempts" = ${attempts}, "runAfter" = ${databaseNow(delayMs)}, "lastError" = ${error} WHERE "id" = ${taskId}`,

  insertRecallEvent: (event: RecallEvent) => sql`INSERT INTO "RecallEvent" ${insertValues(event)}`,
  insertRetrievalEval: (evaluation: RetrievalEval) => sql`INSERT INTO "RetrievalEval" ${insertValues(evaluation)}`,
};

export const entityStatements = {
  /** The aliases among phrases, with the kind of entity each names. */
  aliasesAmong: (phrases: readonly string[]) =>
    sql<MemoryEntityAlias & { entityKind: string }>`SELECT a."alias", a."entityId", a."kind", e."kind" AS "entityKind" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE a."alias" IN ${list(phrases)}`,
  aliasesSpelled: (letters: string) =>
    sql<MemoryEntityAlias & { entityKind: string }>`SELECT a."alias", a."entityId", a."kind", e."kind" AS "entityKind" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE REPLACE(a."alias", ' ', '') = ${letters}`,
  companiesKnownByDomain: (start: string) =>
    sql<Pick<MemoryEntityAlias, 'alias' | 'entityId'>>`SELECT a."alias", a."entityId" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE a."kind" = 'domain' AND e."name" = a."alias" AND a."alias" LIKE ${`${start.replace(/[%_\\]/g, '')}%`}`,
  /** Normalised names are letters, digits and spaces: the first name needs no escaping for LIKE. */
  peopleFirstNamed: (firstName: string) =>
    sql<Pick<MemoryEntityAlias, 'entityId'>>`SELECT DISTINCT a."entityId" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE e."kind" = 'person' AND a."kind" = 'name' AND a."alias" LIKE ${`${firstName} %`}`,
  /** Normalised names need no escaping for LIKE (see peopleFirstNamed). */
  aliasesStartingWith: (start: string) =>
    sql<MemoryEntityAlias & { entityKind: string }>`SELECT a."alias", a."entityId", a."kind", e."kind" AS "entityKind" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE a."alias" LIKE ${`${start}%`}`,
  organisationsNamedLike: (pattern: string) =>
    sql<Pick<MemoryEntityAlias, 'entityId'>>`SELECT DISTINCT a."entityId" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE e."kind" = 'organisation' AND a."kind" = 'name' AND a."alias" LIKE ${pattern}`,
  organisationsNamedFrom: (start: string) =>
    sql<Pick<MemoryEntityAlias, 'entityId'>>`SELECT DISTINCT a."entityId" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE e."kind" = 'organisation' AND a."kind" = 'name' AND a."alias" LIKE ${`${start} %`}`,
  insertEntity: (entity: MemoryEntity) => sql`INSERT INTO "MemoryEntity" ${insertValues(entity)}`,
  renameEntity: (id: string, name: string) => sql`UPDATE "MemoryEntity" SET "name" = ${name} WHERE "id" = ${id}`,
  /** An alias names one entity: the first to claim it keeps it (see takeShortAlias). */
  insertAlias: (alias: MemoryEntityAlias) => sql`INSERT INTO "MemoryEntityAlias" ${insertValues(alias)} ON CONFLICT ("alias") DO NOTHING`,
  /** A name takes over the same words held as a short alias of another entity. */
  takeShortAlias: (alias: string, entityId: string, kind: string) =>
    sql`UPDATE "MemoryEntityAlias" SET "entityId" = ${entityId}, "kind" = ${kind} WHERE "alias" = ${alias} AND "kind" = 'short'`,
  makeShortAlias: (alias: string) => sql`UPDATE "MemoryEntityAlias" SET "kind" = 'short' WHERE "alias" = ${alias}`,
  entityById: (id: string) => sql<MemoryEntity>`SELECT * FROM "MemoryEntity" WHERE "id" = ${id}`,
  entitiesByIds: (ids: readonly string[]) => sql<MemoryEntity>`SELECT * FROM "MemoryEntity" WHERE "id" IN ${list(ids)}`,
  aliasesOfEntity: (id: string) => sql<MemoryEntityAlias>`SELECT * FROM "MemoryEntityAlias" WHERE "entityId" = ${id} ORDER BY "kind", "alias"`,
  /** Entities by a name or alias fragment (LIKE's wildcards in it are dropped). */
  entitiesLike: (fragment: string, limit: number) =>
    sql<MemoryEntity>`SELECT DISTINCT e.* FROM "MemoryEntity" e JOIN "MemoryEntityAlias" a ON a."entityId" = e."id" WHERE a."alias" LIKE ${`%${fragment.replace(/[%_\\]/g, '')}%`} ORDER BY e."name" LIMIT ${limit}`,

  insertMention: (mention: MemoryMention) => sql`INSERT INTO "MemoryMention" ${insertValues(mention)} ON CONFLICT DO NOTHING`,
  deleteMentionsOf: (recordId: string) => sql`DELETE FROM "MemoryMention" WHERE "recordId" = ${recordId}`,
  /** The newest records first that mention any of the entities (a record once per entity it mentions). */
  recordsMentioning: (entityIds: readonly string[], limit: number) =>
    sql<Pick<MemoryMention, 'recordId'>>`SELECT m."recordId" FROM "MemoryMention" m JOIN "MemoryRecord" r ON r."id" = m."recordId" WHERE m."entityId" IN ${list(entityIds)} ORDER BY r."createdAt" DESC LIMIT ${limit}`,
  /** The organisation named with the person in the newest record up to a time that names one. */
  employerOf: (personId: string, at: Date) =>
    sql<Pick<MemoryMention, 'entityId'>>`SELECT o."entityId" FROM "MemoryMention" p JOIN "MemoryRecord" r ON r."id" = p."recordId" JOIN "MemoryMention" o ON o."recordId" = p."recordId" JOIN "MemoryEntity" e ON e."id" = o."entityId"
        WHERE p."entityId" = ${personId} AND e."kind" = 'organisation' AND r."createdAt" <= ${at}
        GROUP BY o."entityId" ORDER BY MAX(r."createdAt") DESC, MIN(r."createdAt") DESC, o."entityId" LIMIT 1`,
  mentionsOf: (recordIds: readonly string[]) => sql<MemoryMention>`SELECT "recordId", "entityId" FROM "MemoryMention" WHERE "recordId" IN ${list(recordIds)}`,

  insertFact: (fact: MemoryFact) => sql`INSERT INTO "MemoryFact" ${insertValues(fact)}`,
  deleteFactsOf: (recordId: string) => sql`DELETE FROM "MemoryFact" WHERE "recordId" = ${recordId}`,
  /** An entity's facts (of one attribute, or all), oldest first. */
  factsOf: (entityId: string, attribute?: string) => {
    const only = attribute === undefined ? sql`` : sql` AND "attribute" = ${attribute}`;
    return sql<MemoryFact>`SELECT * FROM "MemoryFact" WHERE "entityId" = ${entityId}${only} ORDER BY "validFrom", "id"`;
  },
  /** The facts the records state, with every fact of the same entity and attribute. */
  factsAround: (recordIds: readonly string[]) =>
    // From the records' own facts (by recordId) to every fact of their entity and attribute (by that index), not a scan of all facts.
    sql<MemoryFact>`SELECT f.* FROM (SELECT DISTINCT "entityId", "attribute" FROM "MemoryFact" WHERE "recordId" IN ${list(recordIds)}) s JOIN "MemoryFact" f ON f."entityId" = s."entityId" AND f."attribute" = s."attribute" ORDER BY f."validFrom", f."id"`,

  markRecordRead: (recordId: string, now: Date) => sql`UPDATE "MemoryRecord" SET "entitiesAt" = ${now} WHERE "id" = ${recordId}`,
  recordsNeverRead: (limit: number) => sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "entitiesAt" IS NULL ORDER BY "createdAt", "id" LIMIT ${limit}`,
  forgetReadings: () => sql`UPDATE "MemoryRecord" SET "entitiesAt" = NULL`,
  /** Read records whose text holds a word (lower case, no wildcards), to read again. */
  forgetReadingsNaming: (word: string) => sql`UPDATE "MemoryRecord" SET "entitiesAt" = NULL WHERE "entitiesAt" IS NOT NULL AND lower("text") LIKE ${`%${word}%`}`,
};
