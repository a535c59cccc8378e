// Reads a memory record's entities and facts into the store: the organisations and people it
// names (new ones become entities with their aliases), the known ones it mentions by an alias
// ("Lumen's" → Lumen Analytics Ltd), the e-mail domains it holds (from the original, before
// masking, which hides them), and the facts each sentence states, each about the organisation
// that sentence names (else the record's first one). Called in the transaction that writes the
// record, and by the indexer for records written elsewhere (plans) or before entities existed.
import { knownAliases, resolveEntity, addAlias, writeRecordEntities, type FactDraft, type KnownAlias } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { domainFits, emailDomains, matchAliases, namedEntities, phrasesOf } from './entities.ts';
import { readFacts, sentencesOf } from './facts.ts';

export interface RecordToRead {
  id: string;
  /** The stored (masked) text: what facts are read from. */
  text: string;
  createdAt: Date;
}

/** Returns the ids of the entities the record mentions. */
export async function readRecordEntities(runner: SqlRunner, record: RecordToRead, original: string | null): Promise<string[]> {
  const source = original ?? record.text;
  const named = namedEntities(source);
  const entityIds: string[] = [];
  const organisations: { id: string; alias: string }[] = [];
  for (const entity of named) {
    const id = await resolveEntity(runner, entity);
    entityIds.push(id);
    if (entity.kind === 'organisation') organisations.push({ id, alias: entity.aliases[0]!.alias });
  }
  for (const domain of emailDomains(source)) {
    const [known] = await knownAliases(runner, [domain]);
    const owner = known?.entityId ?? organisations.find((organisation) => domainFits(domain, organisation.alias))?.id;
    if (!owner) continue;
    if (!known) await addAlias(runner, owner, domain, 'domain');
    entityIds.push(owner);
  }

  const aliases = new Map((await knownAliases(runner, phrasesOf(record.text))).map((row) => [row.alias, row]));
  const mentionedIn = (text: string) => matchAliases(text, (phrase) => aliases.has(phrase)).map((alias) => aliases.get(alias)!);
  const mentioned = mentionedIn(record.text);
  entityIds.push(...mentioned.map((row) => row.entityId));

  const firstOrganisation = mentioned.find((row) => row.entityKind === 'organisation')?.entityId ?? organisations[0]?.id;
  const facts: FactDraft[] = [];
  for (const sentence of sentencesOf(record.text)) {
    const stated = readFacts(sentence);
    if (stated.length === 0) continue;
    const about = organisationOf(mentionedIn(sentence)) ?? firstOrganisation;
    if (!about) continue;
    for (const fact of stated) facts.push({ entityId: about, attribute: fact.attribute, value: fact.value });
  }
  const ids = [...new Set(entityIds)];
  await writeRecordEntities(runner, record.id, { entityIds: ids, facts, validFrom: record.createdAt });
  return ids;
}

const organisationOf = (aliases: KnownAlias[]) => aliases.find((row) => row.entityKind === 'organisation')?.entityId;
