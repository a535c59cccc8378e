// The entity repository: who memories are about (MemoryEntity and its aliases), which records
// mention whom (MemoryMention), and the facts records state about them (MemoryFact). Mentions and
// facts are rewritten whole for a record when it is read, and go when the record goes.
import type { MemoryEntity, MemoryEntityAlias, MemoryFact, MemoryRecord } from './generated/sqlite/client.ts';
import { newId, orderedId } from './ids.ts';
import { entityStatements as statements } from './memory-statements.ts';
import type { SqlRunner } from './sql.ts';

export type EntityRow = MemoryEntity;
export type AliasRow = MemoryEntityAlias;
export type FactRow = MemoryFact;
export type FactDraft = Pick<MemoryFact, 'entityId' | 'attribute' | 'value'>;
/** An alias with the kind of entity it names. */
export type KnownAlias = AliasRow & { entityKind: string };

/** The aliases among phrases that name an entity. */
export async function knownAliases(runner: SqlRunner, phrases: string[]): Promise<KnownAlias[]> {
  if (phrases.length === 0) return [];
  const found: KnownAlias[] = [];
  // Bounded IN lists: a long note has thousands of phrases.
  for (let i = 0; i < phrases.length; i += 500) {
    found.push(...(await runner.query(statements.aliasesAmong(phrases.slice(i, i + 500)))));
  }
  return found;
}

/** The aliases that are these letters once their spaces are dropped ("helios solar" for "heliossolar"). */
export async function aliasesSpelled(runner: SqlRunner, letters: string): Promise<KnownAlias[]> {
  return runner.query(statements.aliasesSpelled(letters));
}

/** The aliases that start with these letters (normalised, so nothing to escape). */
export async function aliasesStartingWith(runner: SqlRunner, start: string): Promise<KnownAlias[]> {
  return runner.query(statements.aliasesStartingWith(start.replace(/[^\p{L}\p{N} ]/gu, '')));
}

/** The organisations with a name alias LIKE the pattern (of normalised words and %). */
export async function organisationsNamedLike(runner: SqlRunner, pattern: string): Promise<string[]> {
  return (await runner.query(statements.organisationsNamedLike(pattern))).map((row) => row.entityId);
}

/** Companies known only by a domain (named after it) whose domain starts with these letters. */
export async function companiesKnownByDomain(runner: SqlRunner, start: string): Promise<{ alias: string; entityId: string }[]> {
  return runner.query(statements.companiesKnownByDomain(start));
}

/** The people whose full name starts with this first name (normalised). */
export async function peopleFirstNamed(runner: SqlRunner, firstName: string): Promise<string[]> {
  return (await runner.query(statements.peopleFirstNamed(firstName))).map((row) => row.entityId);
}

/**
 * The entity one of whose name aliases is among aliases, or a new one with them. An alias names
 * one entity: a short alias ("acme" for "Acme Tooling Ltd") gives way to an entity whose name it
 * is ("Acme GmbH" without its legal form), never the other way round.
 */
export async function resolveEntity(
  runner: SqlRunner,
  entity: { kind: string; name: string; aliases: { alias: string; kind: string }[] },
  options: { knownByDomain?: string; now?: Date } = {},
): Promise<string> {
  const names = entity.aliases.filter((alias) => alias.kind === 'name').map((alias) => alias.alias);
  const known = (await knownAliases(runner, names)).filter((row) => row.kind === 'name' && row.entityKind === entity.kind);
  let id = known[0]?.entityId ?? (await oneWordReadingOf(runner, entity)) ?? (await sameNameInFullOrShort(runner, entity));
  const firstNamed = !id;
  if (!id && options.knownByDomain) {
    // The company known so far only by its domain now has a name.
    id = options.knownByDomain;
    await runner.execute(statements.renameEntity(id, entity.name));
  } else if (!id) {
    id = newId('ent');
    await runner.execute(statements.insertEntity({ id, kind: entity.kind, name: entity.name, createdAt: options.now ?? new Date() }));
  } else if (entity.name.length > (await entityById(runner, id))!.name.length) {
    // The fullest spelling is the one to show ("Lumen Analytics Ltd" over "Lumen Analytics").
    await runner.execute(statements.renameEntity(id, entity.name));
  }
  for (const alias of entity.aliases) await addAlias(runner, id, alias.alias, alias.kind);
  // Notes written before may name the company without what made it one here ("Lumen Analytics:
  // invoices go to ..." before "Invoiced Lumen Analytics Ltd"): the indexer reads them again.
  const firstWord = names[0]?.split(' ')[0];
  if (firstNamed && entity.kind === 'organisation' && firstWord && firstWord.length >= 3) await runner.execute(statements.forgetReadingsNaming(firstWord));
  return id;
}

/**
 * An organisation read earlier from one word ("Nordlicht's billing address") that is this name's
 * short alias ("Nordlicht Logistik GmbH"): the same company, now fully named. The word becomes the
 * short alias it would have been, so a company whose name it is ("Nordlicht AG") can still take it.
 */
async function oneWordReadingOf(runner: SqlRunner, entity: { kind: string; aliases: { alias: string; kind: string }[] }): Promise<string | undefined> {
  const short = entity.aliases.find((alias) => alias.kind === 'short')?.alias;
  if (entity.kind !== 'organisation' || !short) return undefined;
  const [known] = (await knownAliases(runner, [short])).filter((row) => row.kind === 'name' && row.entityKind === 'organisation');
  if (!known || (await entityById(runner, known.entityId))?.name.includes(' ') !== false) return undefined;
  await runner.execute(statements.makeShortAlias(short));
  return known.entityId;
}

/**
 * An organisation known by a name of two words or more that this one's name continues, or that
 * continues this one's: the same company written in full or for short ("Quinta do Sol" heading a
 * note, then "Quinta do Sol Vinhos Lda" on an invoice; "Vásquez Café" after "Vásquez Café
 * Importers LLC"), or the name after a word for its kind of business. One word is not enough:
 * "Acme" does not make "Acme Tooling" Acme GmbH's.
 */
async function sameNameInFullOrShort(runner: SqlRunner, entity: { kind: string; aliases: { alias: string; kind: string }[] }): Promise<string | undefined> {
  const names = entity.aliases.filter((alias) => alias.kind === 'name').map((alias) => alias.alias);
  const base = names.at(-1);
  if (entity.kind !== 'organisation' || !base) return undefined;
  const words = base.split(' ');
  if (words.length < 2) return undefined;
  const shorter = words.slice(0, -1).map((_, i) => words.slice(0, i + 1).join(' ')).filter((prefix) => prefix.includes(' '));
  const [known] = (await knownAliases(runner, shorter)).filter((row) => row.kind === 'name' && row.entityKind === 'organisation').sort((a, b) => b.alias.length - a.alias.length);
  if (known) return known.entityId;
  // "Los Arcos" after "Mezcalera Los Arcos S.A. de C.V.": the words after the kind of business
  // are the name people use (a short alias of several words; initials such as "m f" are letters).
  const [after] = words.every((word) => word.length > 1) ? (await knownAliases(runner, [base])).filter((row) => row.kind === 'short' && row.entityKind === 'organisation') : [];
  if (after) return after.entityId;
  const fuller = await runner.query(statements.organisationsNamedFrom(base));
  return fuller.length === 1 ? fuller[0]!.entityId : undefined;
}

export async function addAlias(runner: SqlRunner, entityId: string, alias: string, kind: string): Promise<void> {
  await runner.execute(statements.insertAlias({ alias, entityId, kind }));
  if (kind === 'name') await runner.execute(statements.takeShortAlias(alias, entityId, kind));
}

export async function entityById(runner: SqlRunner, id: string): Promise<EntityRow | undefined> {
  const [row] = await runner.query(statements.entityById(id));
  return row;
}

export async function entitiesByIds(runner: SqlRunner, ids: string[]): Promise<EntityRow[]> {
  if (ids.length === 0) return [];
  return runner.query(statements.entitiesByIds(ids));
}

export async function aliasesOfEntity(runner: SqlRunner, id: string): Promise<AliasRow[]> {
  return runner.query(statements.aliasesOfEntity(id));
}

/** Replaces what a record mentions and states, and marks it read. */
export async function writeRecordEntities(runner: SqlRunner, recordId: string, read: { entityIds: string[]; facts: FactDraft[]; validFrom: Date }, now = new Date()): Promise<void> {
  await deleteRecordEntities(runner, recordId);
  for (const entityId of new Set(read.entityIds)) {
    await runner.execute(statements.insertMention({ recordId, entityId }));
  }
  for (const fact of read.facts) {
    await runner.execute(statements.insertFact({ id: orderedId('f'), ...fact, recordId, validFrom: read.validFrom }));
  }
  await runner.execute(statements.markRecordRead(recordId, now));
}

export async function deleteRecordEntities(runner: SqlRunner, recordId: string): Promise<void> {
  await runner.execute(statements.deleteMentionsOf(recordId));
  await runner.execute(statements.deleteFactsOf(recordId));
}

/** Records whose entities were never read (written before entities existed, or by a plan), oldest first. */
export async function recordsWithoutEntities(runner: SqlRunner, limit: number): Promise<MemoryRecord[]> {
  return runner.query(statements.recordsNeverRead(limit));
}

/** Marks every record unread, so the indexer reads them all again (after the readers changed). */
export async function forgetEntityReadings(runner: SqlRunner): Promise<number> {
  return runner.execute(statements.forgetReadings());
}

/** Ids of the newest records that mention any of the entities. */
export async function recordsMentioning(runner: SqlRunner, entityIds: string[], limit: number): Promise<string[]> {
  if (entityIds.length === 0) return [];
  const rows = await runner.query(statements.recordsMentioning(entityIds, limit));
  return [...new Set(rows.map((row) => row.recordId))];
}

/** The entities each of the records mentions. */
/**
 * Where a person worked at a time: the organisation named with them in the newest record by then
 * that names one; when it names two ("Dana at Helix (ex-Ridgeway)"), the one first named with them
 * most recently: the company they moved to.
 */
export async function employerOf(runner: SqlRunner, personId: string, at: Date): Promise<string | undefined> {
  const [row] = await runner.query(statements.employerOf(personId, at));
  return row?.entityId;
}

export async function mentionsOf(runner: SqlRunner, recordIds: string[]): Promise<{ recordId: string; entityId: string }[]> {
  if (recordIds.length === 0) return [];
  return runner.query(statements.mentionsOf(recordIds));
}

/** An entity's facts (of one attribute, or all), oldest first. */
export async function factsOf(runner: SqlRunner, entityId: string, attribute?: string): Promise<FactRow[]> {
  return runner.query(statements.factsOf(entityId, attribute));
}

/** The facts the records state, with every fact of the same entity and attribute (to tell current from superseded). */
export async function factsAround(runner: SqlRunner, recordIds: string[]): Promise<FactRow[]> {
  if (recordIds.length === 0) return [];
  return runner.query(statements.factsAround(recordIds));
}

/** Entities by a name or alias fragment, for `op memory history` when the name is not exact. */
export async function entitiesLike(runner: SqlRunner, fragment: string, limit = 5): Promise<EntityRow[]> {
  return runner.query(statements.entitiesLike(fragment, limit));
}
