// The labeled reading corpus (issue 11) is only worth its figures if every case is well formed:
// this checks each file against test/fixtures/reading/README.md, so a hand edit that breaks a
// case (a subtotal that no longer adds up, an "act" on a missing customer) fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { z } from 'zod';

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((day) => {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
}, 'not a calendar day');

const receivedAt = z.iso.datetime();

const behaviour = <Field extends string>(fields: readonly [Field, ...Field[]]) =>
  z.discriminatedUnion('do', [
    z.object({ do: z.literal('act') }).strict(),
    z.object({ do: z.literal('ask'), fields: z.array(z.enum(fields)).min(1) }).strict(),
    z.object({ do: z.literal('refuse'), why: z.string().min(10) }).strict(),
  ]);

const caseOf = <Expected extends z.ZodType, Field extends string>(
  prefix: string,
  expected: Expected,
  askable: readonly [Field, ...Field[]],
) =>
  z
    .object({
      id: z.string().regex(new RegExp(`^${prefix}-\\d{3}$`)),
      split: z.enum(['dev', 'test']),
      date: receivedAt,
      text: z.string().min(1),
      format: z.enum(['chat', 'email', 'form']),
      expected,
      behaviour: behaviour(askable),
      notes: z.string().min(1).optional(),
    })
    .strict();

const money = z.number().finite();

const invoiceLine = z
  .object({
    description: z.string().min(1),
    quantity: z.number().positive().nullable(),
    unit: z.enum(['day', 'hour', 'item']).nullable(),
    unitPrice: money.nullable(),
  })
  .strict();

const invoiceCase = caseOf(
  'inv',
  z
    .object({
      customer: z.string().min(1).nullable(),
      lines: z.array(invoiceLine),
      currency: z.string().regex(/^[A-Z]{3}$/).nullable(),
      subtotal: money.nullable(),
      taxRatePercent: z.number().positive().max(100).nullable(),
      email: z.email().nullable(),
      vatId: z.string().min(4).nullable(),
      address: z.string().min(5).nullable(),
    })
    .strict(),
  ['customer', 'lines', 'currency', 'email', 'vatId', 'address'],
);

const leadCase = caseOf(
  'lead',
  z
    .object({
      company: z.string().min(1).nullable(),
      contactName: z.string().min(1).nullable(),
      email: z.email().nullable(),
      phone: z.string().regex(/^\+?[\d\s().-]{7,}$/).nullable(),
      budget: z
        .object({ min: money.nonnegative(), max: money.nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/).nullable() })
        .strict()
        .refine((budget) => budget.min <= budget.max, 'budget min above max')
        .nullable(),
      timeline: z.object({ by: isoDay, phrase: z.string().min(1) }).strict().nullable(),
      referrer: z.string().min(1).nullable(),
    })
    .strict(),
  ['budget', 'timeline', 'email', 'company'],
);

const briefCase = caseOf(
  'brief',
  z
    .object({
      topicKeywords: z.array(z.string().min(1)).nullable(),
      audienceKeywords: z.array(z.string().min(1)).min(1).nullable(),
      tone: z.enum(['friendly', 'formal', 'playful', 'authoritative', 'conversational']).nullable(),
      format: z.enum(['blog post', 'newsletter', 'linkedin post', 'case study', 'guide']).nullable(),
      wordCount: z.number().int().positive().nullable(),
      deadline: z.object({ by: isoDay, phrase: z.string().min(1) }).strict().nullable(),
    })
    .strict(),
  ['topic', 'audience'],
);

type Case = { id: string; split: 'dev' | 'test'; date: string; text: string };

function load<Schema extends z.ZodType<Case>>(file: string, schema: Schema): z.infer<Schema>[] {
  const raw: unknown = JSON.parse(readFileSync(new URL(`fixtures/reading/${file}`, import.meta.url), 'utf8'));
  const parsed = z.array(schema).safeParse(raw);
  if (!parsed.success) assert.fail(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function assertCorpusShape(file: string, cases: Case[], atLeast: number, perSplit: number): void {
  assert.ok(cases.length >= atLeast, `${file} holds ${cases.length} cases, the issue asks for at least ${atLeast}`);
  const ids = cases.map((c) => c.id);
  assert.deepEqual(ids.filter((id, index) => ids.indexOf(id) !== index), [], `${file}: duplicate ids`);
  for (const split of ['dev', 'test'] as const) {
    const count = cases.filter((c) => c.split === split).length;
    assert.ok(count >= perSplit, `${file}: ${count} ${split} cases, need at least ${perSplit}`);
  }
  const texts = cases.map((c) => c.text);
  assert.deepEqual(texts.filter((text, index) => texts.indexOf(text) !== index), [], `${file}: the same text twice`);
  // People and organisations are invented, so every address uses a reserved domain.
  for (const c of cases) {
    for (const [, domain] of c.text.matchAll(/[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/g)) {
      assert.match(domain ?? '', /\.(example|test)$/i, `${c.id}: ${domain} is not an .example/.test domain`);
    }
  }
}

const cents = (amount: number) => Math.round(amount * 100);

/** Every stated value is grounded: it is a span of the text (a multi-line address part by part). */
function assertSpans(c: Case, values: (string | null)[]): void {
  for (const value of values) {
    if (value !== null) assert.ok(c.text.includes(value), `${c.id}: "${value}" is not in the text`);
  }
}

test('every invoice case matches the corpus format and its subtotal is the sum of its lines', () => {
  const cases = load('invoices.json', invoiceCase);
  assertCorpusShape('invoices.json', cases, 60, 25);
  for (const c of cases) {
    const { expected, behaviour: todo } = c;
    assertSpans(c, [expected.customer, expected.email, expected.vatId, ...(expected.address?.split(', ') ?? [])]);
    const priced = expected.lines.length > 0 && expected.lines.every((line) => line.quantity !== null && line.unitPrice !== null);
    if (priced) {
      const sum = expected.lines.reduce((total, line) => total + cents((line.quantity ?? 0) * (line.unitPrice ?? 0)), 0);
      assert.equal(expected.subtotal === null ? null : cents(expected.subtotal), sum, `${c.id}: subtotal is not the sum of the lines`);
    } else {
      assert.equal(expected.subtotal, null, `${c.id}: a subtotal for lines that are not all priced`);
    }
    if (todo.do === 'act') {
      assert.ok(expected.customer !== null && expected.currency !== null && priced, `${c.id}: "act" with a customer, currency or price missing`);
      assert.ok(expected.lines.every((line) => line.unit !== null), `${c.id}: "act" with a line without a unit`);
    }
    if (todo.do === 'ask') {
      for (const [field, missing] of [['customer', expected.customer === null], ['currency', expected.currency === null], ['lines', !priced]] as const) {
        if (missing) assert.ok(todo.fields.includes(field), `${c.id}: ${field} is null but not asked for`);
      }
    }
    if (todo.do === 'refuse') {
      const { lines, ...fields } = expected;
      assert.deepEqual(lines, [], `${c.id}: a refused case has lines`);
      assert.ok(Object.values(fields).every((value) => value === null), `${c.id}: a refused case has expected values`);
    }
  }
});

test('every lead case matches the corpus format and states a sender', () => {
  const cases = load('leads.json', leadCase);
  assertCorpusShape('leads.json', cases, 60, 25);
  for (const c of cases) {
    const { expected, behaviour: todo } = c;
    assert.ok(expected.contactName !== null || expected.email !== null, `${c.id}: neither a contact name nor an e-mail`);
    // A name may be split over form fields ("First name", "Last name"), so its words are spans.
    assertSpans(c, [expected.company, expected.email, expected.phone, expected.referrer, expected.timeline?.phrase ?? null, ...(expected.contactName?.split(' ') ?? [])]);
    if (expected.referrer !== null) {
      assert.notEqual(expected.referrer, expected.company, `${c.id}: the referrer taken for the company`);
    }
    // A budget without a currency cannot be compared with a price list, so it is asked like a missing one.
    const unusable = { ...expected, budget: expected.budget?.currency ? expected.budget : null };
    const missing = (['budget', 'company', 'email', 'timeline'] as const).filter((field) => unusable[field] === null);
    if (todo.do === 'act') assert.deepEqual(missing, [], `${c.id}: "act" with ${missing.join(', ')} missing`);
    if (todo.do === 'ask') assert.deepEqual([...todo.fields].sort(), missing, `${c.id}: asks for other fields than the missing ones`);
    if (expected.timeline) {
      assert.ok(expected.timeline.by >= c.date.slice(0, 10), `${c.id}: a timeline that ends before the e-mail arrived`);
    }
    assert.notEqual(todo.do, 'refuse', `${c.id}: leads are qualified or asked about, never refused`);
  }
});

test('every brief case matches the corpus format and asks when the topic or audience is missing', () => {
  const cases = load('briefs.json', briefCase);
  assertCorpusShape('briefs.json', cases, 40, 20);
  for (const c of cases) {
    const { expected, behaviour: todo } = c;
    for (const keyword of [...(expected.topicKeywords ?? []), ...(expected.audienceKeywords ?? [])]) {
      assert.equal(keyword, keyword.toLowerCase(), `${c.id}: keyword "${keyword}" is not lower case`);
      assert.ok(c.text.toLowerCase().includes(keyword), `${c.id}: keyword "${keyword}" is not in the brief`);
    }
    assertSpans(c, [expected.deadline?.phrase ?? null]);
    const missing = { topic: expected.topicKeywords === null, audience: expected.audienceKeywords === null };
    if (todo.do === 'act') assert.ok(!missing.topic && !missing.audience, `${c.id}: "act" with the topic or audience missing`);
    if (todo.do === 'ask') {
      assert.deepEqual([...todo.fields].sort(), (['audience', 'topic'] as const).filter((field) => missing[field]), `${c.id}: asks for other fields than the missing ones`);
    }
    if (expected.deadline) assert.ok(expected.deadline.by >= c.date.slice(0, 10), `${c.id}: a deadline before the brief arrived`);
    assert.notEqual(todo.do, 'refuse', `${c.id}: briefs are written or asked about, never refused`);
  }
});
