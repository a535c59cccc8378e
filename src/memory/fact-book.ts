// Questions about entities rather than texts: which entity a name means, the current value of one
// of its attributes (with the memory that says so, to cite), and the timeline of all of them
// (`op memory history`). Facts whose memory was forgotten or has expired no longer count.
import type { CitedFact, FactAnswer, FactValue } from '../core/services.ts';
import { aliasesOfEntity, employerOf, entitiesByIds, entitiesLike, entityById, factsAround, factsOf, knownAliases, type AliasRow, type EntityRow, type FactRow } from '../store/entities.ts';
import { findLiveMemories, type MemoryRow } from '../store/memory.ts';
import type { SqlRunner } from '../store/sql.ts';
import type { Store } from '../store/store.ts';
import { abbreviatedOrganisations } from './abbreviations.ts';
import { domainOwners } from './domains.ts';
import { aliasOf, matchAliases, phrasesOf } from './entities.ts';
import { peopleByFirstName } from './first-names.ts';
import { misspelledNames } from './misspellings.ts';
import { tokens } from './words.ts';
import { periodsOf, standingOf, type FactPeriod } from './fact-timeline.ts';
import { ATTRIBUTES, type Attribute } from './facts.ts';
import { attributeAsked } from './attribute-words.ts';
import { citationOf } from './citations.ts';

export interface EntityHistory {
  entity: EntityRow;
  aliases: AliasRow[];
  attributes: { attribute: Attribute; values: FactValue[] }[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export class MemoryFacts {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The entity a name, alias, e-mail domain or id stands for; null when none does. */
  async entity(name: string): Promise<EntityRow | null> {
    return this.#store.read((runner) => entityNamed(runner, name));
  }

  /** Entities whose aliases contain one of the text's longer words ("nordlich" → Nordlicht), for suggestions when no name matched. */
  async entitiesLike(text: string): Promise<EntityRow[]> {
    const words = aliasOf(text).split(' ').filter((word) => word.length >= 4);
    const found = await this.#store.read(async (runner) => (await Promise.all(words.map((word) => entitiesLike(runner, word)))).flat());
    return [...new Map(found.map((entity) => [entity.id, entity])).values()];
  }

  /** Entities a question names, by their aliases (longest match first), first names (see first-names.ts) and the domains it holds (see domainOwners). */
  async entitiesIn(text: string, domains: string[] = [], attribute: Attribute | null = attributeAsked(text)): Promise<string[]> {
    return this.#store.read(async (runner) => {
      const aliases = await knownAliases(runner, phrasesOf(text));
      const byAlias = new Map(aliases.map((row) => [row.alias, row.entityId]));
      const matched = matchAliases(text, (phrase) => byAlias.has(phrase));
      const named = matched.map((alias) => byAlias.get(alias)!);
      const firstNamed = await peopleByFirstName(runner, tokens(text));
      named.push(...firstNamed);
      for (const domain of domains) named.push(...(await domainOwners(runner, domain)));
      named.push(...(await abbreviatedOrganisations(runner, text)).map((abbreviation) => abbreviation.entityId));
      const matchedWords = new Set(matched.flatMap((alias) => alias.split(' ')));
      named.push(...(await misspelledNames(runner, tokens(text).filter((word) => !matchedWords.has(word)))));
      const people = new Set([...aliases.filter((row) => row.entityKind === 'person').map((row) => row.entityId), ...firstNamed]);
      const personNamed = async (phrase: string) => {
        const person = byAlias.get(phrase) ?? (await peopleByFirstName(runner, [phrase]))[0];
        return person && people.has(person) ? person : undefined;
      };
      // "Kasia's company", "Lucia's firm": the organisation the person works at now, which the words name instead of them.
      const instead = new Set<string>();
      for (const phrase of employerPhrases(text)) {
        const person = await personNamed(phrase);
        const employer = person && (await employerOf(runner, person, new Date()));
        if (!employer) continue;
        named.push(employer);
        instead.add(person!);
      }
      // "Rosa's shop in Lisbon", "what do we charge Rosa per day": what someone has, or a company's
      // attribute asked through them, is their company's; they stay named, as notes often name both.
      const owners = (await Promise.all(possessors(text).map(personNamed))).filter((person) => person !== undefined);
      const onlyPeople = named.length > 0 && named.every((id) => people.has(id));
      const through = attribute && onlyPeople ? named.filter((id) => people.has(id)) : [];
      for (const person of new Set([...owners, ...through])) {
        const employer = await employerOf(runner, person, new Date());
        if (employer) named.push(employer);
      }
      return [...new Set(named)].filter((id) => !instead.has(id));
    });
  }

  /** The organisations by these names (as described by the records, see LexicalIndex.describedNames), unless the question named one already. */
  async organisationsDescribed(names: string[], named: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    return this.#store.read(async (runner) => {
      if (named.length > 0 && (await entitiesByIds(runner, named)).some((entity) => entity.kind === 'organisation')) return [];
      const aliases = await knownAliases(runner, names.map(aliasOf));
      return [...new Set(aliases.filter((row) => row.entityKind === 'organisation').map((row) => row.entityId))];
    });
  }

  /** The names of the organisations the domains stand for (see domainOwners). */
  async namesOfDomainOwners(domains: string[]): Promise<string[]> {
    if (domains.length === 0) return [];
    return this.#store.read(async (runner) => {
      const owners: string[] = [];
      for (const domain of domains) owners.push(...(await domainOwners(runner, domain)));
      return (await entitiesByIds(runner, [...new Set(owners)])).map((entity) => entity.name);
    });
  }

  /** The names of entities by id, as cited facts name them. */
  async namesOf(entityIds: string[]): Promise<string[]> {
    if (entityIds.length === 0) return [];
    return this.#store.read(async (runner) => (await entitiesByIds(runner, entityIds)).map((entity) => entity.name));
  }

  /** The attribute may be named as a question names it ("tax_id", "tax number", "RFC" are the VAT ID). */
  async factFor(name: string, named: string): Promise<FactAnswer> {
    const attribute = (ATTRIBUTES as readonly string[]).includes(named) ? named : (attributeAsked(named.replace(/_/g, ' ')) ?? named);
    return this.#store.read(async (runner) => {
      const entity = await entityNamed(runner, name);
      if (!entity) return { status: 'unknown', entity: null, attribute };
      const { facts, records } = await liveFacts(runner, await factsOf(runner, entity.id, attribute));
      const standing = standingOf(facts);
      const value = (period: FactPeriod, n: number) => factValue(period, records, n);
      switch (standing.status) {
        case 'unknown':
          return { status: 'unknown', entity: entity.name, attribute };
        case 'known':
          return { status: 'known', entity: entity.name, attribute, current: value(standing.current, 1), replaced: standing.replaced && value(standing.replaced, 2) };
        case 'conflict':
          return { status: 'conflict', entity: entity.name, attribute, candidates: standing.candidates.map((period, i) => value(period, i + 1)) };
      }
    });
  }

  /**
   * The facts each record states, each marked current or superseded (and since when) against
   * every other memory stating the same attribute of the same entity.
   */
  async citedFacts(recordIds: string[]): Promise<Map<string, CitedFact[]>> {
    return this.#store.read(async (runner) => {
      const { facts } = await liveFacts(runner, await factsAround(runner, recordIds));
      const names = new Map((await entitiesByIds(runner, [...new Set(facts.map((fact) => fact.entityId))])).map((entity) => [entity.id, entity.name]));
      const cited = new Map<string, CitedFact[]>();
      const groups = Map.groupBy(facts, (fact) => `${fact.entityId}\u0000${fact.attribute}`);
      for (const group of groups.values()) {
        const { entityId, attribute } = group[0]!;
        const standing = standingOf(group);
        const current = standing.status === 'known' ? [standing.current] : standing.status === 'conflict' ? standing.candidates : [];
        for (const period of periodsOf(group)) {
          for (const recordId of period.recordIds) {
            if (!recordIds.includes(recordId)) continue;
            const isCurrent = current.some((candidate) => candidate.recordIds.includes(recordId));
            const fact: CitedFact = { entity: names.get(entityId) ?? entityId, attribute, value: period.value, current: isCurrent, since: day(period.from), supersededAt: isCurrent || !period.until ? null : day(period.until) };
            cited.set(recordId, [...(cited.get(recordId) ?? []), fact]);
          }
        }
      }
      return cited;
    });
  }

  /** Every attribute's values over time, oldest first; null when no entity has that name. */
  async history(name: string): Promise<EntityHistory | null> {
    return this.#store.read(async (runner) => {
      const entity = await entityNamed(runner, name);
      if (!entity) return null;
      const { facts, records } = await liveFacts(runner, await factsOf(runner, entity.id));
      let n = 0;
      const attributes = ATTRIBUTES.map((attribute) => ({
        attribute,
        values: periodsOf(facts.filter((fact) => fact.attribute === attribute)).map((period) => factValue(period, records, ++n)),
      })).filter((entry) => entry.values.length > 0);
      return { entity, aliases: await aliasesOfEntity(runner, entity.id), attributes };
    });
  }
}

/** What a question calls the place someone works ("Kasia's company", "the firm of Lucia"). */
const WORKPLACE = new Set(['company', 'firm', 'employer', 'business', 'studio', 'agency', 'office', 'shop', 'practice', 'workplace']);

/** The one to three words before a workplace noun, each a phrase that may name its person. */
function employerPhrases(text: string): string[] {
  const words = tokens(text);
  const phrases: string[] = [];
  words.forEach((word, i) => {
    if (!WORKPLACE.has(word)) return;
    for (let n = 1; n <= 3 && i - n >= 0; n++) phrases.push(words.slice(i - n, i).join(' '));
  });
  return phrases;
}

/**
 * The names a question writes as owners, normalised: the one or two words before "'s" or a
 * plural's "s'" ("Rosa's", "Rosa Lima's", "the Limas'").
 */
function possessors(text: string): string[] {
  const owners: string[] = [];
  for (const match of text.matchAll(/((?:[\p{L}\p{M}-]+\s+)?[\p{L}\p{M}-]+)['’](?:s(?![\p{L}])|(?<=s['’]))/gu)) {
    const words = tokens(match[1]!);
    owners.push(words.join(' '), words.at(-1)!);
  }
  return [...new Set(owners)];
}

async function entityNamed(runner: SqlRunner, name: string): Promise<EntityRow | null> {
  const trimmed = name.trim();
  if (/^ent/.test(trimmed)) {
    const byId = await entityById(runner, trimmed);
    if (byId) return byId;
  }
  const domain = trimmed.toLowerCase().replace(/^.*@/, '');
  const [exact] = await knownAliases(runner, [aliasOf(trimmed), domain]);
  if (exact) return (await entityById(runner, exact.entityId)) ?? null;
  // "Lumen's billing address": the longest alias inside the name.
  const aliases = await knownAliases(runner, phrasesOf(trimmed));
  const byAlias = new Map(aliases.map((row) => [row.alias, row.entityId]));
  const [first] = matchAliases(trimmed, (phrase) => byAlias.has(phrase)).sort((a, b) => b.length - a.length);
  return first ? ((await entityById(runner, byAlias.get(first)!)) ?? null) : null;
}

/** Facts whose memory is still there, and those memories. */
async function liveFacts(runner: SqlRunner, facts: FactRow[]): Promise<{ facts: FactRow[]; records: Map<string, MemoryRow> }> {
  const rows = await findLiveMemories(runner, [...new Set(facts.map((fact) => fact.recordId))]);
  const records = new Map(rows.map((row) => [row.id, row]));
  return { facts: facts.filter((fact) => records.has(fact.recordId)), records };
}

/** A period as an answer: the value, since when, until when, citing the memory that first said it. */
function factValue(period: FactPeriod, records: Map<string, MemoryRow>, n: number): FactValue {
  return { value: period.value, since: day(period.from), until: period.until && day(period.until), citation: citationOf(records.get(period.recordIds[0]!)!, n, 1) };
}
