// The fresh labeled recall set in test/fixtures/memory-fresh is consistent with itself: every id it
// names exists, fact questions expect the value the latest note states and name the values it
// replaced, questions are paraphrases, and the dev/test split is the one its README gives.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadFreshSet, type FreshNote } from './fixtures/memory-fresh/load.ts';

const NOW = '2026-12-02T00:00:00Z';

// Deliberately not the recall code's tokenizer: the check must not move when the recall code does.
const words = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

const fourGrams = (text: string) => {
  const list = words(text);
  return new Set(list.slice(3).map((_, i) => list.slice(i, i + 4).join(' ')));
};

describe('fresh memory recall set', () => {
  const { entities, notes, questions } = loadFreshSet();
  const noteById = new Map(notes.map((note) => [note.id, note]));
  const entityIds = new Set([...entities.companies, ...entities.people].map((entity) => entity.id));
  const companyIds = new Set(entities.companies.map((company) => company.id));
  const statesValue = (note: FreshNote, entity: string, attribute: string, value: string) =>
    note.facts.some((fact) => fact.entity === entity && fact.attribute === attribute && fact.value === value);

  test('holds at least 30 companies, 40 people, 150 notes and 60 questions, each id unique', () => {
    assert.ok(entities.companies.length >= 30, `${entities.companies.length} companies`);
    assert.ok(entities.people.length >= 40, `${entities.people.length} people`);
    assert.ok(notes.length >= 150, `${notes.length} notes`);
    assert.ok(questions.length >= 60, `${questions.length} questions`);
    assert.equal(entityIds.size, entities.companies.length + entities.people.length, 'entity ids are unique');
    assert.equal(noteById.size, notes.length, 'note ids are unique');
    assert.equal(new Set(questions.map((q) => q.id)).size, questions.length, 'question ids are unique');
    assert.equal(new Set(questions.map((q) => q.text.toLowerCase())).size, questions.length, 'question texts are unique');
  });

  test('people work at companies that exist, and two different people share a first name', () => {
    for (const person of entities.people) {
      for (const job of person.employments) assert.ok(companyIds.has(job.company), `${person.id} works at ${job.company}, which exists`);
    }
    const movers = entities.people.filter((person) => new Set(person.employments.map((job) => job.company)).size > 1);
    assert.ok(movers.length >= 2, `${movers.length} people change employer`);
    const firstNames = entities.people.map((person) => person.name.split(' ')[0]);
    assert.ok(firstNames.some((name, i) => firstNames.indexOf(name) !== i), 'some first name is shared');
  });

  test('notes are dated before the set was written and name only entities that exist, with stated values found in their text', () => {
    for (const note of notes) {
      assert.ok(note.createdAt < NOW, `${note.id} is dated ${note.createdAt}`);
      for (const id of note.entities) assert.ok(entityIds.has(id), `${note.id} mentions ${id}, which exists`);
      for (const fact of note.facts) {
        assert.ok(note.entities.includes(fact.entity), `${note.id} states a fact about ${fact.entity}, which it lists among its entities`);
        assert.ok(note.text.includes(fact.value), `${note.id} states "${fact.value}" in its text`);
      }
    }
  });

  test('a note lists every company it names and every person it names in full, look-alike names not confused', () => {
    // Longest names first, each match blanked out, so "Mia Kessler" is not read as Kessler & Söhne
    // nor "Acme Tooling" as Acme GmbH. Single-word person aliases ("Anna", "Tom") are ambiguous by design.
    const names = [
      ...entities.companies.flatMap((company) => [company.name, ...company.aliases, ...company.domains].map((name) => ({ name, id: company.id }))),
      ...entities.people.flatMap((person) => [person.name, ...person.aliases].filter((name) => name.includes(' ')).map((name) => ({ name, id: person.id }))),
    ]
      .map(({ name, id }) => ({ phrase: ` ${words(name).join(' ')} `, id }))
      .toSorted((a, b) => b.phrase.length - a.phrase.length);
    for (const note of notes) {
      let text = ` ${words(note.text).join(' ')} `;
      for (const { phrase, id } of names) {
        if (!text.includes(phrase)) continue;
        assert.ok(note.entities.includes(id), `${note.id} names ${id} ("${phrase.trim()}") and lists it`);
        text = text.replaceAll(phrase, ' | ');
      }
    }
  });

  test('at least 20 facts change over time', () => {
    const valuesOf = new Map<string, Set<string>>();
    for (const note of notes) {
      for (const fact of note.facts) {
        const key = `${fact.entity} ${fact.attribute}`;
        valuesOf.set(key, (valuesOf.get(key) ?? new Set()).add(fact.value));
      }
    }
    const changes = [...valuesOf.values()].reduce((sum, values) => sum + values.size - 1, 0);
    assert.ok(changes >= 20, `${changes} changes`);
  });

  test('every question names notes and an entity that exist, and each gold note mentions that entity', () => {
    for (const question of questions) {
      if (question.entity !== null) assert.ok(entityIds.has(question.entity), `${question.id} is about ${question.entity}, which exists`);
      for (const id of question.gold) {
        const note = noteById.get(id);
        assert.ok(note, `${question.id} names ${id}, which exists`);
        if (question.entity !== null) assert.ok(note.entities.includes(question.entity), `${question.id}: ${id} mentions ${question.entity}`);
      }
    }
  });

  test('a fact question expects the value the latest note about that attribute states, and its gold is every note stating it', () => {
    for (const question of questions) {
      if (question.type !== 'fact') continue;
      const { entity, attribute, expected } = question;
      const stating = notes.filter((note) => note.facts.some((fact) => fact.entity === entity && fact.attribute === attribute));
      const latest = stating.toSorted((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
      assert.ok(latest && statesValue(latest, entity, attribute, expected), `${question.id}: the latest note about ${entity} ${attribute} states "${expected}"`);
      assert.ok(question.gold.some((id) => noteById.get(id)!.text.includes(expected)), `${question.id}: "${expected}" is in a gold note`);
      const current = stating.filter((note) => statesValue(note, entity, attribute, expected)).map((note) => note.id);
      assert.deepEqual(question.gold.toSorted(), current.toSorted(), `${question.id}: gold is every note stating "${expected}"`);
    }
  });

  test('a superseded value appears in the notes named for it, all older than the notes stating the current value', () => {
    for (const question of questions) {
      if (question.type !== 'fact') continue;
      const firstCurrent = question.gold.map((id) => noteById.get(id)!.createdAt).toSorted()[0]!;
      for (const { value, notes: ids } of question.superseded) {
        assert.notEqual(value, question.expected, `${question.id}: a superseded value differs from the current one`);
        const stating: string[] = notes.filter((note) => statesValue(note, question.entity, question.attribute, value)).map((note) => note.id);
        assert.deepEqual(ids.toSorted(), stating.toSorted(), `${question.id}: "${value}" is named with every note stating it`);
        for (const id of ids) {
          const note = noteById.get(id);
          assert.ok(note, `${question.id} names ${id}, which exists`);
          assert.ok(note.text.includes(value), `${question.id}: ${id} says "${value}"`);
          assert.ok(note.createdAt < firstCurrent, `${question.id}: ${id} is older than the current value`);
        }
      }
    }
    const changed = questions.filter((q) => q.type === 'fact' && q.superseded.length > 0);
    assert.ok(changed.length >= 20, `${changed.length} questions about changed facts`);
  });

  test('questions are paraphrases: none repeats four words in a row of a gold note', () => {
    for (const question of questions) {
      const asked = fourGrams(question.text);
      for (const id of question.gold) {
        const shared = [...fourGrams(noteById.get(id)!.text)].filter((gram) => asked.has(gram));
        assert.deepEqual(shared, [], `${question.id} copies "${shared[0]}" from ${id}`);
      }
    }
  });

  // The README's "A fifth blind test split": q001 to q344 are dev (the first five test splits were
  // measured and then opened for tuning), and every question from q345 on was written without
  // opening the ranker and is test.
  test('the split: q001 to q344 are dev, every later question is test, and each split that has questions asks about changed facts', () => {
    const firstBlind = 345;
    for (const question of questions) {
      assert.equal(question.split, Number(question.id.slice(1)) >= firstBlind ? 'test' : 'dev', `${question.id} is in the split its number gives`);
    }
    // Between a blind split's measurement and the next one's writing, test is empty.
    for (const split of ['dev', 'test'].filter((split) => questions.some((q) => q.split === split))) {
      assert.ok(questions.some((q) => q.split === split && q.type === 'fact' && q.superseded.length > 0), `${split} has changed-fact questions`);
    }
  });
});
