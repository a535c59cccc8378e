// The second reading of an invoice request's money (src/reading/amounts-accounted.ts): every amount the request states must be
// accounted for by the lines read, in the role its own words give it, or the plan asks. Texts written for these tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldsToAsk, readInvoiceRequest } from '../src/reading/invoice.ts';

async function asked(text: string) {
  const read = await readInvoiceRequest(text);
  return { asks: fieldsToAsk(text, read).includes('lines'), why: read.problems.map((p) => p.why).join(' / ') };
}

test('a reduction ("minus 50 EUR", "20 EUR off") that the lines read bill as a charge asks, quoting the sentence and offering the lines read', async () => {
  for (const [text, amount] of [
    ['Invoice Hale Design Ltd: 4 hours at 90 EUR, minus 50 EUR goodwill', '50 EUR'],
    ['Invoice Hale Design Ltd: 3 banners at 150 EUR each, 20 EUR off per banner', '20 EUR'],
  ] as const) {
    const { asks, why } = await asked(text);
    assert.ok(asks, text);
    assert.match(why, new RegExp(`"${amount}" in "${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" reads as a reduction`), why);
    assert.match(why, /\(4 × 90\.00 EUR|\(3 × 150\.00 EUR/, why);
  }
});

test('a total ("so 400 EUR", "total with VAT 1,190 EUR") billed as a line beside the lines it sums, or that they do not make, asks', async () => {
  for (const text of ['Invoice Hale Design Ltd for 4 hours at 90 EUR/h, so 400 EUR', 'Invoice Hale Design Ltd for 4 hours at 90 EUR/h, so 360 EUR', 'invoice Hale Design Ltd 2 days at 500 EUR, total with VAT 1,190 EUR, VAT 19%']) {
    const { asks, why } = await asked(text);
    assert.ok(asks, text);
    assert.match(why, /reads as the total|stated total/, why);
  }
  // A total the lines make, stated apart from them, and one amount said to be the total of the work, are accounted for.
  for (const text of ['invoice Hale Design Ltd 2 days at 500 EUR = 1,000 EUR', 'invoice Hale Design Ltd 4 days of UX review, 2,800 EUR total', 'invoice Hale Design Ltd 2 days at 500 EUR + 19% VAT, 1,190 EUR in total']) {
    assert.ok(!(await asked(text)).asks, text);
  }
});

test('a part of another amount ("incl. 200 EUR for the assistant") billed again as a line of its own asks', async () => {
  const text = 'Invoice Hale Design Ltd: the shoot 1,200 EUR incl. 200 EUR for the assistant';
  const { asks, why } = await asked(text);
  assert.ok(asks);
  assert.match(why, /"200 EUR" .* reads as part of another amount/);
});

test('a stated total that is not the sum of the lines read asks', async () => {
  const { asks, why } = await asked('Invoice Corvid Labs Ltd: 10 hours of support at 80 EUR = 900 EUR');
  assert.ok(asks);
  assert.match(why, /the stated total "900 EUR" is not the sum of the lines read \(10 × 80\.00 EUR\)/);
});

test('amounts the lines explain, a rate said twice, money already paid and a price the writer takes back leave the lines as read', async () => {
  for (const text of [
    'Invoice Hale Design Ltd: 3 days at 600 EUR and the travel 120 EUR',
    'Invoice Hale Design Ltd, my rate is 90 EUR/h: 5 hours at 90 EUR',
    'Invoice Hale Design Ltd: 48 pages at 35 EUR/page, no wait, we agreed 32 per page',
    'Invoice Hale Design Ltd: 3 days at 600 EUR. They already paid the 500 EUR deposit.',
  ]) {
    assert.ok(!(await asked(text)).why.includes('line read'), text);
  }
});
