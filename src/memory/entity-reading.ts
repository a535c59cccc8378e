// Reads a memory record's entities and facts into the store: the organisations and people it
// names (new ones become entities with their aliases), the known ones it mentions by an alias
// ("Lumen's" → Lumen Analytics Ltd), the domains it holds (from the original, before masking,
// which hides the addresses they are in; see domains.ts), and the facts each sentence states, each about the organisation
// that sentence names (else the record's first one). Called in the transaction that writes the
// record, and by the indexer for records written elsewhere (plans) or before entities existed.
import { knownAliases, resolveEntity, addAlias, writeRecordEntities, type FactDraft, type KnownAlias } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { domainFits, domainOwners, domainsIn } from './domains.ts';
import { matchAliases, namedEntities, phrasesOf, type NamedEntity } from './entities.ts';
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
    const id = (await entityKnownByOneWord(runner, entity)) ?? (await resolveEntity(runner, entity));
    entityIds.push(id);
    if (entity.kind === 'organisation') organisations.push({ id, alias: entity.aliases[0]!.alias });
  }
  for (const domain of domainsIn(source)) {
    const [known] = await knownAliases(runner, [domain]);
    // A domain nobody holds yet goes to the organisation the note names that it spells, else the
    // known one it spells, else to a company of its own known by the domain until it is named.
    const owner =
      known?.entityId ??
      organisations.find((organisation) => domainFits(domain, organisation.alias))?.id ??
      (await domainOwners(runner, domain))[0] ??
      (await resolveEntity(runner, { kind: 'organisation', name: domain, aliases: [] }));
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

/**
 * "Lumen's invoices" means the Lumen already known ("Lumen Analytics Ltd", short alias "lumen"):
 * a one-word name read from its role makes no entity of its own then, nor takes the alias over.
 */
async function entityKnownByOneWord(runner: SqlRunner, entity: NamedEntity): Promise<string | undefined> {
  if (entity.kind !== 'organisation' || entity.aliases.length !== 1 || entity.aliases[0]!.alias.includes(' ')) return undefined;
  const [known] = await knownAliases(runner, [entity.aliases[0]!.alias]);
  return known?.entityKind === 'organisation' ? known.entityId : undefined;
}

const organisationOf = (aliases: KnownAlias[]) => aliases.find((row) => row.entityKind === 'organisation')?.entityId;
