// The question side of memory. recall ranks the records three ways and fuses the rankings:
// by meaning (the vector index in Chroma, then the embedder's word-alignment stage), by words
// (BM25 over the records, lexical-index.ts) and by who the question names (the records that
// mention an entity it names by any alias). Candidates are hydrated from the records (forgotten
// and expired ones drop out) and answered with numbered citations that say, for facts that
// changed, whether each is current. When Chroma cannot answer, the words and the entities still
// do, and recall says it is degraded. Each recall is logged as an event, off the answer's path.
// Changes when how memory answers a question changes.
import { setImmediate as turn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { BudgetReached, usd } from '../core/budgets.ts';
import { OperatorError } from '../core/errors.ts';
import type { Citation, CitedFact, RecallResult, StepScope } from '../core/services.ts';
import { redactText } from '../privacy/redact.ts';
import { mentionsOf, recordsMentioning } from '../store/entities.ts';
import { findLiveMemories, insertRecallEvent, type MemoryRow, type RecallEventDraft } from '../store/memory.ts';
import type { Store } from '../store/store.ts';
import type { ChromaIndex } from './chroma-index.ts';
import { citationOf } from './citations.ts';
import { domainsIn } from './domains.ts';
import type { Embedder } from './embedder.ts';
import type { MemoryFacts } from './fact-book.ts';
import { ATTRIBUTE_LABELS, readQuestion, sameValue, valueBeforeNamed, type QuestionReading } from './facts.ts';
import type { Answerer } from './grounded-answer.ts';
import type { LexicalIndex } from './lexical-index.ts';
import { CANDIDATES, type Candidate } from './rerank.ts';

/**
 * hybrid: the three rankings fused (what recall does). vector: the vector index and its rerank
 * stage alone (recall before entities and BM25). lexical: BM25 alone. The last two are there to
 * measure each part's contribution (`npm run bench -- recall`).
 */
export type Ranking = 'hybrid' | 'vector' | 'lexical';

export interface RecallOptions {
  k?: number;
  workflow?: string;
  scope?: StepScope;
  answer?: boolean;
  ranking?: Ranking;
}

const RECALL_EVENT_BATCH_MS = 1000;
/** Turns of the event loop fetch takes to put a request on the wire (measured: two; more gained nothing). */
const REQUEST_TURNS = 2;
/** Reciprocal rank fusion's constant, as its authors (Cormack et al., 2009) set it; not tuned here. */
const RRF_K = 60;
/** How many records of the entities a question names are considered, newest first. */
const ENTITY_RECORDS = 50;
/** What naming an entity the record mentions is worth, in first places of a ranking (chosen on the fresh set's dev split). */
const ENTITY_WEIGHT = 1;
/**
 * Fused scores stay below 1, so this acts as a tier: when a question asks for an attribute of an
 * entity it names, the records stating its current value come first.
 */
const CURRENT_FACT_TIER = 1;
/** What being written in the year a question names is worth, in first places of a ranking (as ENTITY_WEIGHT). */
const YEAR_WEIGHT = 1;
/** What being written in the month a question names ("their april invoice", "last month") is worth, as YEAR_WEIGHT. */
const MONTH_WEIGHT = 1;
/** A record stating only values replaced since keeps this share of its score, unless the question asks about the past. */
const SUPERSEDED_SHARE = 0.5;

interface Ranked {
  row: MemoryRow;
  score: number;
}

export class MemoryRecall {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #index: ChromaIndex;
  readonly #lexical: LexicalIndex;
  readonly #facts: MemoryFacts;
  readonly #log: Logger;
  readonly #answerer: Answerer | null;
  #recallEvents: RecallEventDraft[] = [];
  #flushing: Promise<void> | null = null;
  #flushTimer: NodeJS.Timeout | undefined;
  #flushNow: () => void = () => undefined;

  constructor(options: { store: Store; embedder: Embedder; index: ChromaIndex; lexical: LexicalIndex; facts: MemoryFacts; log: Logger; answerer: Answerer | null }) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    this.#index = options.index;
    this.#lexical = options.lexical;
    this.#facts = options.facts;
    this.#log = options.log;
    this.#answerer = options.answerer;
  }

  async recall(query: string, options: RecallOptions = {}): Promise<RecallResult> {
    const started = performance.now();
    const asked = redactText(query.trim());
    if (asked === '') throw new OperatorError('Recall what? The query is empty.', 'Ask in words, e.g. `/op recall payment terms for Acme`.');
    const k = Math.min(Math.max(Math.trunc(options.k ?? 5), 1), 20);
    const workflow = options.workflow ?? options.scope?.workflow;
    const ranking = options.ranking ?? 'hybrid';
    const question = readQuestion(asked);
    // The question is masked for the log; the domains it names still say whom it is about.
    const { ranked, degraded, entityIds } = await this.#rank(asked, question, domainsIn(query), k, workflow, ranking);
    const top = ranked.slice(0, k);
    const facts = await this.#facts.citedFacts(top.map((entry) => entry.row.id));
    const citations = top.map(({ row, score }, i) => withFacts(citationOf(row, i + 1, score), facts.get(row.id)));
    this.#queueRecallEvent({
      query: asked,
      workflow: workflow ?? null,
      planId: options.scope?.planId ?? null,
      citedIds: citations.map((citation) => citation.recordId),
      degraded,
      latencyMs: performance.now() - started,
    });
    if (!options.answer) return { query: asked, citations, degraded };
    const answer = await this.#factAnswer(question, entityIds, citations);
    if (answer !== undefined) return { query: asked, citations, degraded, answer };
    if (!this.#answerer) return { query: asked, citations, degraded };
    try {
      return { query: asked, citations, degraded, answer: await this.#answerer(asked, citations) };
    } catch (error) {
      if (!(error instanceof BudgetReached)) throw error;
      const { spentUsd, capUsd } = error.pause;
      return { query: asked, citations, degraded, withheld: `the monthly cap is reached (spent ${usd(spentUsd)} of ${usd(capUsd)}), so no model wrote an answer` };
    }
  }

  async #rank(asked: string, question: QuestionReading, domains: string[], k: number, workflow: string | undefined, ranking: Ranking): Promise<{ ranked: Ranked[]; degraded: boolean; entityIds: string[] }> {
    if (ranking === 'vector') return { ranked: await this.#vectorRanking(asked, k, workflow), degraded: false, entityIds: [] };
    if (ranking === 'lexical') {
      const lexical = await this.#lexical.search(asked, Math.max(CANDIDATES, 2 * k), workflow);
      const rows = await this.#rows(lexical.map((hit) => hit.id));
      return { ranked: lexical.flatMap((hit) => (rows.has(hit.id) ? [{ row: rows.get(hit.id)!, score: hit.score }] : [])), degraded: false, entityIds: [] };
    }
    // "someone at heliossolar.nl" is searched as "... Helios Solar B.V.": notes name a company, rarely its domain.
    const searched = [asked, ...(await this.#facts.namesOfDomainOwners(domains))].join(' ');
    // Chroma answers from a process of its own: its query is under way while this one ranks by
    // words and reads the entities (the turns let the request leave before that work holds the thread).
    const vectorRanked = this.#vectorRanking(searched, k, workflow).then(
      (vector) => ({ vector, degraded: false }),
      (error: unknown) => {
        this.#log.warn({ err: error }, 'vector recall failed; answering from the words and entities of the records');
        return { vector: [] as Ranked[], degraded: true };
      },
    );
    for (let i = 0; i < REQUEST_TURNS; i++) await turn();
    const lexical = await this.#lexical.search(searched, Math.max(CANDIDATES, 2 * k), workflow);
    const entityIds = await this.#facts.entitiesIn(asked, domains, question.attribute);
    // "the hereford cider people": a company the question describes instead of naming.
    entityIds.push(...(await this.#facts.organisationsDescribed(this.#lexical.describedNames(asked), entityIds)));
    const { vector, degraded } = await vectorRanked;
    const entityRecords = await this.#store.read((runner) => recordsMentioning(runner, entityIds, ENTITY_RECORDS));
    const scores = new Map<string, number>();
    const fuse = (ids: string[]) => ids.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + rank + 1)));
    fuse(vector.map((entry) => entry.row.id));
    fuse(lexical.map((hit) => hit.id));
    for (const id of entityRecords) if (!scores.has(id)) scores.set(id, 0);
    // Each entity the question names and the record mentions counts once, like a first place in one more ranking.
    const named = new Set(entityIds);
    const mentions = await this.#store.read((runner) => mentionsOf(runner, [...scores.keys()]));
    const entityBoost = new Map<string, number>();
    for (const { recordId, entityId } of mentions) if (named.has(entityId)) entityBoost.set(recordId, (entityBoost.get(recordId) ?? 0) + ENTITY_WEIGHT / (RRF_K + 1));

    const rows = await this.#rows([...scores.keys()]);
    const ids = [...scores.keys()].filter((id) => rows.has(id) && (!workflow || rows.get(id)!.workflow === null || rows.get(id)!.workflow === workflow));
    const facts = await this.#facts.citedFacts(ids);
    const mentionsNamed = (id: string) => entityBoost.has(id);
    const { attribute, year, month, aboutThePast } = question;
    const namedNames = new Set(await this.#facts.namesOf(entityIds));
    // "their address before they moved": a value replaced since is the answer; "before Harbour Road", the one that value replaced.
    const pastAsked = aboutThePast && attribute ? [...facts.values()].flat().filter((fact) => fact.attribute === attribute && namedNames.has(fact.entity)) : [];
    const before = valueBeforeNamed(asked, pastAsked);
    const answersThePast = (fact: CitedFact) => !fact.current && pastAsked.includes(fact) && (!before || sameValue(fact.value, before.value));
    for (const id of ids) {
      const stated = (facts.get(id) ?? []).filter((fact) => !attribute || fact.attribute === attribute);
      if (stated.length === 0) continue;
      if (attribute && mentionsNamed(id) && stated.some((fact) => fact.current) && !aboutThePast) scores.set(id, scores.get(id)! + CURRENT_FACT_TIER);
      if (attribute && mentionsNamed(id) && stated.some(answersThePast)) scores.set(id, scores.get(id)! + CURRENT_FACT_TIER);
      if (stated.every((fact) => !fact.current) && !aboutThePast) scores.set(id, scores.get(id)! * SUPERSEDED_SHARE);
    }
    // After the supersession share: a replaced value of the entity asked about still comes before other entities' notes.
    for (const [id, boost] of entityBoost) scores.set(id, (scores.get(id) ?? 0) + boost);
    // "back in 2025": what was written that year counts like a first place in one more ranking.
    if (year !== null) for (const id of ids) if (rows.get(id)!.createdAt.getUTCFullYear() === year) scores.set(id, scores.get(id)! + YEAR_WEIGHT / (RRF_K + 1));
    // "their april invoice", "last month": as a year, what was written that month.
    const writtenIn = (date: Date) => month !== null && date.getUTCFullYear() === month.year && date.getUTCMonth() + 1 === month.month;
    for (const id of ids) if (writtenIn(rows.get(id)!.createdAt)) scores.set(id, scores.get(id)! + MONTH_WEIGHT / (RRF_K + 1));
    const ranked = ids
      .filter((id) => scores.get(id)! > 0)
      .map((id) => ({ row: rows.get(id)!, score: scores.get(id)! }))
      .sort((a, b) => b.score - a.score || b.row.createdAt.getTime() - a.row.createdAt.getTime());
    if (aboutThePast) return { ranked, degraded, entityIds };
    return { ranked: await this.#replacementsFirst(ranked, k, facts, (fact) => namedNames.has(fact.entity) && (!attribute || fact.attribute === attribute), workflow), degraded, entityIds };
  }

  /**
   * A statement never ranks above the one that replaced it: before a record (among the first k)
   * stating a value replaced since, for an attribute the question may be asking about, of an
   * entity it names, comes the record that first stated the current value (a candidate or not).
   * However the old statement is worded, and in whatever language the question asks, "where do we
   * bill Acme?" then meets the new address before the old.
   */
  async #replacementsFirst(ranked: Ranked[], k: number, facts: Map<string, CitedFact[]>, asked: (fact: CitedFact) => boolean, workflow: string | undefined): Promise<Ranked[]> {
    const placed = new Map<string, Ranked>();
    for (const entry of ranked) {
      if (placed.size >= k) break;
      if (placed.has(entry.row.id)) continue;
      for (const fact of (facts.get(entry.row.id) ?? []).filter((stated) => !stated.current && asked(stated))) {
        const answer = await this.#facts.factFor(fact.entity, fact.attribute);
        if (answer.status !== 'known' || placed.has(answer.current.citation.recordId)) continue;
        const id = answer.current.citation.recordId;
        const row = ranked.find((candidate) => candidate.row.id === id)?.row ?? (await this.#rows([id])).get(id);
        if (row && (!workflow || row.workflow === null || row.workflow === workflow)) placed.set(id, { row, score: entry.score });
      }
      placed.set(entry.row.id, entry);
    }
    return [...placed.values(), ...ranked.filter((entry) => !placed.has(entry.row.id))];
  }

  /** The vector index's nearest records, reordered by the embedder's second stage. */
  async #vectorRanking(asked: string, k: number, workflow: string | undefined): Promise<Ranked[]> {
    const vector = await this.#embedder.embeddings.embedQuery(asked);
    const hits = await this.#index.query(vector, this.#embedder.rerank ? Math.max(CANDIDATES, 2 * k) : 2 * k, workflow);
    const rows = await this.#rows(hits.map((hit) => hit.id));
    const candidates: Candidate[] = hits.filter((hit) => rows.has(hit.id)).map((hit) => ({ ...hit, text: rows.get(hit.id)!.text }));
    const ranked = this.#embedder.rerank ? this.#embedder.rerank(asked, candidates) : candidates;
    return ranked.map((candidate) => ({ row: rows.get(candidate.id)!, score: candidate.similarity }));
  }

  async #rows(ids: string[]): Promise<Map<string, MemoryRow>> {
    const rows = await this.#store.read((runner) => findLiveMemories(runner, ids));
    return new Map(rows.map((row) => [row.id, row]));
  }

  /**
   * "Acme GmbH's billing address is X since 2026-03-02 [1] (it replaced Y)": when the question
   * asks for an attribute of an entity it names and one of the citations states its current value.
   */
  async #factAnswer({ attribute, aboutThePast }: QuestionReading, entityIds: string[], citations: Citation[]): Promise<string | undefined> {
    if (!attribute || aboutThePast) return undefined;
    for (const entityId of entityIds) {
      const fact = await this.#facts.factFor(entityId, attribute);
      const label = ATTRIBUTE_LABELS[attribute];
      const cite = (recordId: string) => citations.find((citation) => citation.recordId === recordId)?.n;
      if (fact.status === 'known') {
        const n = cite(fact.current.citation.recordId) ?? citations.find((citation) => citation.facts?.some((f) => f.current && f.attribute === attribute && f.value === fact.current.value))?.n;
        if (n === undefined) continue;
        const replaced = fact.replaced ? ` It replaced ${fact.replaced.value} (${fact.replaced.since} to ${fact.replaced.until}).` : '';
        return `${fact.entity}'s ${label} is ${fact.current.value}, current since ${fact.current.since} [${n}].${replaced}`;
      }
      if (fact.status === 'conflict') {
        const values = fact.candidates.map((candidate) => `${candidate.value} (${candidate.since}${cite(candidate.citation.recordId) ? ` [${cite(candidate.citation.recordId)}]` : ''})`);
        return `Memory holds two current values for ${fact.entity}'s ${label}: ${values.join(' and ')}. Which one is right?`;
      }
    }
    return undefined;
  }

  /**
   * Recall events are written off the answer's path, a batch a second: each write is a commit
   * (an fsync on SQLite) that the next recall's read would otherwise wait behind.
   */
  #queueRecallEvent(event: RecallEventDraft): void {
    this.#recallEvents.push(event);
    this.#flushing ??= new Promise<void>((resolve) => {
      this.#flushTimer = setTimeout(resolve, RECALL_EVENT_BATCH_MS);
      this.#flushTimer.unref();
      this.#flushNow = resolve;
    })
      .then(() => this.#flushRecallEvents())
      .finally(() => {
        this.#flushing = null;
      });
  }

  async #flushRecallEvents(): Promise<void> {
    const events = this.#recallEvents;
    this.#recallEvents = [];
    try {
      await this.#store.transaction(async (runner) => {
        for (const event of events) await insertRecallEvent(runner, event);
      });
    } catch (error) {
      this.#log.warn({ err: error, lost: events.length }, 'could not record recall events');
    }
  }

  /** Writes queued recall events now and waits for them. */
  async flush(): Promise<void> {
    while (this.#flushing) {
      clearTimeout(this.#flushTimer);
      this.#flushNow();
      await this.#flushing;
    }
  }
}

const withFacts = (citation: Citation, facts: CitedFact[] | undefined): Citation => (facts && facts.length > 0 ? { ...citation, facts } : citation);
