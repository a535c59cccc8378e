// Reads a memory record's entities and facts into the store: the organisations and people it
// names (new ones become entities with their aliases), the known ones it mentions by an alias
// ("Lumen's" → Lumen Analytics Ltd), the domains it holds (from the original, before masking,
// which hides the addresses they are in; see domains.ts), and the facts each sentence states, each about the organisation
// that sentence names (else the record's first one). Called in the transaction that writes the
// record, and by the indexer for records written elsewhere (plans) or before entities existed.
import { addAlias, companiesKnownByDomain, employerOf, entitiesByIds, knownAliases, peopleFirstNamed, resolveEntity, writeRecordEntities, type FactDraft, type KnownAlias } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { abbreviatedOrganisations } from './abbreviations.ts';
import { domainFits, domainOwners, domainsIn } from './domains.ts';
import { matchAliases, namedEntities, phrasesOf, type NamedEntity } from './entities.ts';
import { capitalisedWords, peopleByFirstName } from './first-names.ts';
import { answeredFact, leadContactFact, readFacts, sentencesOf } from './facts.ts';

export interface RecordToRead {
  id: string;
  /** The stored (masked) text: what facts are read from. */
  text: string;
  createdAt: Date;
}

/** Returns the ids of the entities the record mentions. */
export async function readRecordEntities(runner: SqlRunner, record: RecordToRead, original: string | null): Promise<string[]> {
  const source = original ?? record.text;
  // "KLog moved their office": the abbreviation becomes an alias before names are read, so the one word is the company it stands for.
  for (const { alias, entityId } of await abbreviatedOrganisations(runner, source)) await addAlias(runner, entityId, alias, 'short');
  const named = namedEntities(source);
  const entityIds: string[] = [];
  const organisations: { id: string; alias: string }[] = [];
  for (const entity of named) {
    // A heading read as a company that memory knows as a person's name is that person ("Katarzyna Kowalczyk (CEO): ...").
    if (entity.kind === 'organisation' && (await knownAliases(runner, [entity.aliases[0]!.alias]))[0]?.entityKind === 'person') continue;
    const oneWord = await oneWordReading(runner, entity);
    if (oneWord === 'a person') continue;
    const id = oneWord ?? (await resolveEntity(runner, entity, { knownByDomain: await companyKnownByDomain(runner, entity) }));
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
  entityIds.push(...mentioned.map((row) => row.entityId), ...(await peopleByFirstName(runner, capitalisedWords(source))));

  // A note that names people and no organisation is about where they work ("Lucía says the studio has moved ...").
  const employer = organisations.length === 0 && !mentioned.some((row) => row.entityKind === 'organisation') ? await employerOfNamed(runner, [...new Set(entityIds)], record.createdAt) : undefined;
  if (employer) entityIds.push(employer);
  const firstOrganisation = mentioned.find((row) => row.entityKind === 'organisation')?.entityId ?? organisations[0]?.id ?? employer;
  const facts: FactDraft[] = [];
  for (const sentence of sentencesOf(record.text)) {
    const stated = readFacts(sentence);
    if (stated.length === 0) continue;
    const about = organisationOf(mentionedIn(sentence)) ?? firstOrganisation;
    if (!about) continue;
    for (const fact of stated) facts.push({ entityId: about, attribute: fact.attribute, value: fact.value });
  }
  // A workflow's own lines state a value by their shape, of the organisation the line names: a
  // recorded answer the value its question asked for, a lead's outcome the contact who wrote in.
  for (const recorded of [answeredFact(record.text), leadContactFact(record.text)]) {
    if (recorded && firstOrganisation && !facts.some((fact) => fact.entityId === firstOrganisation && fact.attribute === recorded.attribute)) {
      facts.push({ entityId: firstOrganisation, attribute: recorded.attribute, value: recorded.value });
    }
  }
  const ids = [...new Set(entityIds)];
  await writeRecordEntities(runner, record.id, { entityIds: ids, facts, validFrom: record.createdAt });
  return ids;
}

/**
 * What a company name of one word read from its role stands for: the organisation memory knows by
 * that word ("Lumen's invoices" are Lumen Analytics Ltd's, whose short alias "lumen" is), which
 * then makes no entity of its own nor takes the alias over; or a person known by that first name
 * ("Giulia:" heading a note to Giulia Romano), which makes no company.
 */
async function oneWordReading(runner: SqlRunner, entity: NamedEntity): Promise<string | 'a person' | undefined> {
  const word = entity.aliases[0]!.alias;
  if (entity.kind !== 'organisation' || entity.aliases.length !== 1 || word.includes(' ')) return undefined;
  const [known] = await knownAliases(runner, [word]);
  if (known?.entityKind === 'organisation') return known.entityId;
  return known || (await peopleFirstNamed(runner, word)).length > 0 ? 'a person' : undefined;
}

/** A company known so far only by a domain that spells this organisation's name ("hooli-labs.com" for "Hooli Labs Inc"). */
async function companyKnownByDomain(runner: SqlRunner, entity: NamedEntity): Promise<string | undefined> {
  const name = entity.aliases[0]!.alias;
  if (entity.kind !== 'organisation' || name.length < 4) return undefined;
  const candidates = await companiesKnownByDomain(runner, name.slice(0, 4));
  return candidates.find((candidate) => domainFits(candidate.alias, name))?.entityId;
}

/** The one organisation the people among these entities worked at then, if they name one between them. */
async function employerOfNamed(runner: SqlRunner, entityIds: string[], at: Date): Promise<string | undefined> {
  const entities = await entitiesByIds(runner, entityIds);
  if (entities.some((entity) => entity.kind === 'organisation')) return undefined;
  const employers = new Set<string>();
  for (const person of entities) {
    const employer = await employerOf(runner, person.id, at);
    if (employer) employers.add(employer);
  }
  return employers.size === 1 ? [...employers][0] : undefined;
}

const organisationOf = (aliases: KnownAlias[]) => aliases.find((row) => row.entityKind === 'organisation')?.entityId;
