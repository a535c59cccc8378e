// The entity repository: who memories are about (MemoryEntity and its aliases), which records
// mention whom (MemoryMention), and the facts records state about them (MemoryFact). Mentions and
// facts are rewritten whole for a record when it is read, and go when the record goes.
import type { MemoryEntity, MemoryEntityAlias, MemoryFact, MemoryRecord } from './generated/sqlite/client.ts';
import { newId, orderedId } from './ids.ts';
import { insertValues, join, sql, type SqlRunner, type SqlValue } from './sql.ts';

export type EntityRow = MemoryEntity;
export type AliasRow = MemoryEntityAlias;
export type FactRow = MemoryFact;
export type FactDraft = Pick<MemoryFact, 'entityId' | 'attribute' | 'value'>;
/** An alias with the kind of entity it names. */
export type KnownAlias = AliasRow & { entityKind: string };

const list = (values: readonly SqlValue[]) => sql`(${join(values.map((value) => sql`${value}`), ', ')})`;

/** The aliases among phrases that name an entity. */
export async function knownAliases(runner: SqlRunner, phrases: string[]): Promise<KnownAlias[]> {
  if (phrases.length === 0) return [];
  const found: KnownAlias[] = [];
  // Bounded IN lists: a long note has thousands of phrases.
  for (let i = 0; i < phrases.length; i += 500) {
    const rows = await runner.query(
      sql<AliasRow & { entityKind: string }>`SELECT a."alias", a."entityId", a."kind", e."kind" AS "entityKind" FROM "MemoryEntityAlias" a JOIN "MemoryEntity" e ON e."id" = a."entityId" WHERE a."alias" IN ${list(phrases.slice(i, i + 500))}`,
    );
    found.push(...rows);
  }
  return found;
}

/**
 * The entity one of whose name aliases is among aliases, or a new one with them. An alias names
 * one entity: a short alias ("acme" for "Acme Tooling Ltd") gives way to an entity whose name it
 * is ("Acme GmbH" without its legal form), never the other way round.
 */
export async function resolveEntity(runner: SqlRunner, entity: { kind: string; name: string; aliases: { alias: string; kind: string }[] }, now = new Date()): Promise<string> {
  const names = entity.aliases.filter((alias) => alias.kind === 'name').map((alias) => alias.alias);
  const known = (await knownAliases(runner, names)).filter((row) => row.kind === 'name' && row.entityKind === entity.kind);
  let id = known[0]?.entityId;
  if (!id) {
    id = newId('ent');
    await runner.execute(sql`INSERT INTO "MemoryEntity" ${insertValues<MemoryEntity>({ id, kind: entity.kind, name: entity.name, createdAt: now })}`);
  } else if (entity.name.length > (await entityById(runner, id))!.name.length) {
    // The fullest spelling is the one to show ("Lumen Analytics Ltd" over "Lumen Analytics").
    await runner.execute(sql`UPDATE "MemoryEntity" SET "name" = ${entity.name} WHERE "id" = ${id}`);
  }
  for (const alias of entity.aliases) await addAlias(runner, id, alias.alias, alias.kind);
  return id;
}

export async function addAlias(runner: SqlRunner, entityId: string, alias: string, kind: string): Promise<void> {
  await runner.execute(sql`INSERT INTO "MemoryEntityAlias" ${insertValues<MemoryEntityAlias>({ alias, entityId, kind })} ON CONFLICT ("alias") DO NOTHING`);
  if (kind === 'name') {
    await runner.execute(sql`UPDATE "MemoryEntityAlias" SET "entityId" = ${entityId}, "kind" = ${kind} WHERE "alias" = ${alias} AND "kind" = 'short'`);
  }
}

export async function entityById(runner: SqlRunner, id: string): Promise<EntityRow | undefined> {
  const [row] = await runner.query(sql<EntityRow>`SELECT * FROM "MemoryEntity" WHERE "id" = ${id}`);
  return row;
}

export async function aliasesOfEntity(runner: SqlRunner, id: string): Promise<AliasRow[]> {
  return runner.query(sql<AliasRow>`SELECT * FROM "MemoryEntityAlias" WHERE "entityId" = ${id} ORDER BY "kind", "alias"`);
}

/** Replaces what a record mentions and states, and marks it read. */
export async function writeRecordEntities(runner: SqlRunner, recordId: string, read: { entityIds: string[]; facts: FactDraft[]; validFrom: Date }, now = new Date()): Promise<void> {
  await deleteRecordEntities(runner, recordId);
  for (const entityId of new Set(read.entityIds)) {
    await runner.execute(sql`INSERT INTO "MemoryMention" ${insertValues({ recordId, entityId })} ON CONFLICT DO NOTHING`);
  }
  for (const fact of read.facts) {
    await runner.execute(sql`INSERT INTO "MemoryFact" ${insertValues<MemoryFact>({ id: orderedId('f'), ...fact, recordId, validFrom: read.validFrom })}`);
  }
  await runner.execute(sql`UPDATE "MemoryRecord" SET "entitiesAt" = ${now} WHERE "id" = ${recordId}`);
}

export async function deleteRecordEntities(runner: SqlRunner, recordId: string): Promise<void> {
  await runner.execute(sql`DELETE FROM "MemoryMention" WHERE "recordId" = ${recordId}`);
  await runner.execute(sql`DELETE FROM "MemoryFact" WHERE "recordId" = ${recordId}`);
}

/** Records whose entities were never read (written before entities existed, or by a plan), oldest first. */
export async function recordsWithoutEntities(runner: SqlRunner, limit: number): Promise<MemoryRecord[]> {
  return runner.query(sql<MemoryRecord>`SELECT * FROM "MemoryRecord" WHERE "entitiesAt" IS NULL ORDER BY "createdAt", "id" LIMIT ${limit}`);
}

/** Marks every record unread, so the indexer reads them all again (after the readers changed). */
export async function forgetEntityReadings(runner: SqlRunner): Promise<number> {
  return runner.execute(sql`UPDATE "MemoryRecord" SET "entitiesAt" = NULL`);
}

/** Ids of the newest records that mention any of the entities. */
export async function recordsMentioning(runner: SqlRunner, entityIds: string[], limit: number): Promise<string[]> {
  if (entityIds.length === 0) return [];
  const rows = await runner.query(
    sql<{ recordId: string }>`SELECT m."recordId" FROM "MemoryMention" m JOIN "MemoryRecord" r ON r."id" = m."recordId" WHERE m."entityId" IN ${list(entityIds)} ORDER BY r."createdAt" DESC LIMIT ${limit}`,
  );
  return [...new Set(rows.map((row) => row.recordId))];
}

/** The entities each of the records mentions. */
export async function mentionsOf(runner: SqlRunner, recordIds: string[]): Promise<{ recordId: string; entityId: string }[]> {
  if (recordIds.length === 0) return [];
  return runner.query(sql<{ recordId: string; entityId: string }>`SELECT "recordId", "entityId" FROM "MemoryMention" WHERE "recordId" IN ${list(recordIds)}`);
}

/** An entity's facts (of one attribute, or all), oldest first. */
export async function factsOf(runner: SqlRunner, entityId: string, attribute?: string): Promise<FactRow[]> {
  const only = attribute === undefined ? sql`` : sql` AND "attribute" = ${attribute}`;
  return runner.query(sql<FactRow>`SELECT * FROM "MemoryFact" WHERE "entityId" = ${entityId}${only} ORDER BY "validFrom", "id"`);
}

/** The facts the records state, with every fact of the same entity and attribute (to tell current from superseded). */
export async function factsAround(runner: SqlRunner, recordIds: string[]): Promise<FactRow[]> {
  if (recordIds.length === 0) return [];
  return runner.query(
    sql<FactRow>`SELECT f.* FROM "MemoryFact" f WHERE EXISTS (SELECT 1 FROM "MemoryFact" s WHERE s."recordId" IN ${list(recordIds)} AND s."entityId" = f."entityId" AND s."attribute" = f."attribute") ORDER BY f."validFrom", f."id"`,
  );
}

/** Entities by a name or alias fragment, for `op memory history` when the name is not exact. */
export async function entitiesLike(runner: SqlRunner, fragment: string, limit = 5): Promise<EntityRow[]> {
  return runner.query(
    sql<EntityRow>`SELECT DISTINCT e.* FROM "MemoryEntity" e JOIN "MemoryEntityAlias" a ON a."entityId" = e."id" WHERE a."alias" LIKE ${`%${fragment.replace(/[%_\\]/g, '')}%`} ORDER BY e."name" LIMIT ${limit}`,
  );
}
