// Questions about entities rather than texts: which entity a name means, the current value of one
// of its attributes (with the memory that says so, to cite), and the timeline of all of them
// (`op memory history`). Facts whose memory was forgotten or has expired no longer count.
import type { FactAnswer, FactValue } from '../conductor/services.ts';
import { aliasesOfEntity, entitiesLike, entityById, factsOf, knownAliases, type AliasRow, type EntityRow, type FactRow } from '../store/entities.ts';
import { findLiveMemories, type MemoryRow } from '../store/memory.ts';
import type { SqlRunner } from '../store/sql.ts';
import type { Store } from '../store/store.ts';
import { aliasOf, matchAliases, phrasesOf } from './entities.ts';
import { periodsOf, standingOf, type FactPeriod } from './fact-timeline.ts';
import { ATTRIBUTES, type Attribute } from './facts.ts';
import { citationOf } from './recall.ts';

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
    return this.#store.transaction((runner) => entityNamed(runner, name));
  }

  /** Entities whose aliases contain the text, for suggestions when no name matched. */
  async entitiesLike(text: string): Promise<EntityRow[]> {
    return this.#store.transaction((runner) => entitiesLike(runner, aliasOf(text)));
  }

  /** Entities a question names, by their aliases (longest match first). */
  async entitiesIn(text: string): Promise<string[]> {
    const aliases = await this.#store.transaction((runner) => knownAliases(runner, phrasesOf(text)));
    const byAlias = new Map(aliases.map((row) => [row.alias, row.entityId]));
    return [...new Set(matchAliases(text, (phrase) => byAlias.has(phrase)).map((alias) => byAlias.get(alias)!))];
  }

  async factFor(name: string, attribute: string): Promise<FactAnswer> {
    return this.#store.transaction(async (runner) => {
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

  /** Every attribute's values over time, oldest first; null when no entity has that name. */
  async history(name: string): Promise<EntityHistory | null> {
    return this.#store.transaction(async (runner) => {
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
