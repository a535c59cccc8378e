// The fresh labeled set (test/fixtures/memory-fresh) run through Memory itself: its notes stored
// as records at their own times (the way an import or a plan writes them), their entities read and
// indexed into a real Chroma, then each question of one split asked with each ranking. Figures
// per ranking: recall@5 and MRR over the gold notes; current first (the fact questions whose value
// changed: the best ranked of the gold and the superseded notes is gold); and the fact answers
// (memory.factFor for the question's entity and attribute gives the expected value).
import { loadFreshSet, type FreshQuestion, type FreshSet } from '../test/fixtures/memory-fresh/load.ts';
import { memoryDraft } from '../src/memory/drafts.ts';
import { scoreQuery } from '../src/memory/eval.ts';
import { sameValue } from '../src/memory/facts.ts';
import type { Memory } from '../src/memory/memory.ts';
import type { Ranking } from '../src/memory/recall.ts';
import { insertMemory } from '../src/store/memory.ts';
import type { Store } from '../src/store/store.ts';

export type Split = FreshQuestion['split'];

export interface FreshFigures {
  questions: number;
  recallAt5: number;
  mrr: number;
  /** Share of changed-fact questions whose best ranked gold-or-superseded note is gold. */
  currentFirst: number;
  changedFacts: number;
  /** Share of all fact questions whose first note states the current value (is gold). */
  factTopCurrent: number;
}

/** Stores the notes at their own times; returns note id → record id. */
export async function rememberFreshNotes(store: Store, memory: Memory, set: FreshSet = loadFreshSet()): Promise<Map<string, string>> {
  const recordOf = new Map<string, string>();
  await store.transaction(async (runner) => {
    for (const note of set.notes) {
      const draft = memoryDraft({ kind: note.kind, text: note.text, source: note.source, workflow: note.workflow, createdBy: 'bench' });
      const { id } = await insertMemory(runner, draft, new Date(note.createdAt));
      recordOf.set(note.id, id);
    }
  });
  while ((await memory.indexPending(1024)) > 0);
  return recordOf;
}

export async function freshFigures(memory: Memory, recordOf: Map<string, string>, split: Split, ranking: Ranking, set: FreshSet = loadFreshSet()): Promise<FreshFigures> {
  const noteOf = new Map<string, string[]>();
  for (const [note, record] of recordOf) noteOf.set(record, [...(noteOf.get(record) ?? []), note]);
  const questions = set.questions.filter((question) => question.split === split);
  let recall = 0;
  let mrr = 0;
  let changed = 0;
  let currentFirst = 0;
  let factQuestions = 0;
  let factTop = 0;
  for (const question of questions) {
    const result = await memory.recall(question.text, { k: 20, ranking });
    if (result.degraded) throw new Error('recall degraded during the bench: Chroma stopped answering');
    const notes = result.citations.flatMap((citation) => noteOf.get(citation.recordId) ?? []);
    const figures = scoreQuery(notes, question.gold);
    recall += figures.recallAt5;
    mrr += figures.mrr;
    if (question.type === 'fact') {
      factQuestions++;
      if (notes[0] && question.gold.includes(notes[0])) factTop++;
    }
    if (question.type === 'fact' && question.superseded.length > 0) {
      changed++;
      const superseded = question.superseded.flatMap((value) => value.notes);
      const best = notes.find((note) => question.gold.includes(note) || superseded.includes(note));
      if (best && question.gold.includes(best)) currentFirst++;
    }
  }
  const n = questions.length || 1;
  return { questions: questions.length, recallAt5: recall / n, mrr: mrr / n, currentFirst: changed ? currentFirst / changed : 0, changedFacts: changed, factTopCurrent: factQuestions ? factTop / factQuestions : 0 };
}

/** Share of the split's fact questions for which memory.factFor names the expected current value. */
export async function factAnswerAccuracy(memory: Memory, split: Split, set: FreshSet = loadFreshSet()): Promise<{ questions: number; accuracy: number }> {
  const names = new Map([...set.entities.companies, ...set.entities.people].map((entity) => [entity.id, entity.name]));
  const questions = set.questions.filter((question) => question.split === split && question.type === 'fact');
  let right = 0;
  for (const question of questions) {
    if (question.type !== 'fact') continue;
    const answer = await memory.factFor(names.get(question.entity)!, question.attribute);
    if (answer.status === 'known' && sameValue(answer.current.value, question.expected)) right++;
  }
  return { questions: questions.length, accuracy: questions.length ? right / questions.length : 0 };
}
