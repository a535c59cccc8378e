// Reading amounts, numbers and quantities out of text: the formats of issue 11 by example, and
// a property that any amount formatted by Intl in a common locale style reads back exactly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { spanHolds } from '../src/reading/field.ts';
import { formatAmount, lineCents, readMoney, readTaxRate, taxCents, type MoneyMention } from '../src/reading/money.ts';
import { decimalStyle, readNumbers } from '../src/reading/numbers.ts';
import { readQuantities } from '../src/reading/quantity.ts';

const spanText = (mention: MoneyMention) => (mention.evidence.kind === 'span' ? mention.evidence.span.text : null);

function readOne(text: string) {
  const mentions = readMoney(text);
  assert.equal(mentions.length, 1, `one amount in ${JSON.stringify(text)}, read ${JSON.stringify(mentions.map((m) => m.value))}`);
  const [mention] = mentions;
  assert.ok(mention!.evidence.kind === 'span' && spanHolds(text, mention!.evidence.span), `the span of ${JSON.stringify(text)} holds`);
  return mention!;
}

describe('readMoney', () => {
  const cases: [string, number, number, string | null, string][] = [
    ['1.200 €', 1200, 1200, 'EUR', '1.200 €'],
    ['the fee is €3.000 flat', 3000, 3000, 'EUR', '€3.000'],
    ['budget 8 000 € max', 8000, 8000, 'EUR', '8 000 €'],
    ['we have $40-50K for this', 40_000, 50_000, 'USD', '$40-50K'],
    ['around USD 120,000 all in', 120_000, 120_000, 'USD', 'USD 120,000'],
    ['2,5k EUR', 2500, 2500, 'EUR', '2,5k EUR'],
    ['I can do 300 bucks', 300, 300, 'USD', '300 bucks'],
    ['somewhere between 2k and 3k EUR', 2000, 3000, 'EUR', 'between 2k and 3k EUR'],
    ['20.000 € netto', 20_000, 20_000, 'EUR', '20.000 €'],
    ["CHF 1'200 for the logo", 1200, 1200, 'CHF', "CHF 1'200"],
    ['Pauschale 15.000,- EUR', 15_000, 15_000, 'EUR', '15.000,- EUR'],
    ['1.234,50 € for hosting', 1234.5, 1234.5, 'EUR', '1.234,50 €'],
    ['ISK 450.000 for the translation', 450_000, 450_000, 'ISK', 'ISK 450.000'],
    ['travel 45,80 €', 45.8, 45.8, 'EUR', '45,80 €'],
    ['£2,750 for the workshop', 2750, 2750, 'GBP', '£2,750'],
    ['€1.2M round', 1_200_000, 1_200_000, 'EUR', '€1.2M'],
    ['₹12,50,000 budget', 1_250_000, 1_250_000, 'INR', '₹12,50,000'],
    ['6 hrs @ 150 usd', 150, 150, 'USD', '150 usd'],
    ['about 40k€', 40_000, 40_000, 'EUR', '40k€'],
    ['15 000 – 20 000 EUR', 15_000, 20_000, 'EUR', '15 000 – 20 000 EUR'],
    ['8 000 kr', 8000, 8000, null, '8 000 kr'],
    ['budget EUR 55k-70k', 55_000, 70_000, 'EUR', 'EUR 55k-70k'],
    ['15k-20k PLN for the shop', 15_000, 20_000, 'PLN', '15k-20k PLN'],
    ['Budget: 10-15.000 € all in', 10_000, 15_000, 'EUR', '10-15.000 €'],
    ['budget 500-1.000 € environ', 500, 1000, 'EUR', '500-1.000 €'],
    ['notre budget est entre 15 et 20 k€ HT', 15_000, 20_000, 'EUR', 'entre 15 et 20 k€'],
    ['Budget CHF 45\'000.– für alles', 45_000, 45_000, 'CHF', "CHF 45'000.–"],
  ];
  for (const [text, min, max, currency, span] of cases) {
    test(`reads ${JSON.stringify(text)} as ${min === max ? min : `${min}-${max}`} ${currency ?? 'with no single currency'}, citing ${JSON.stringify(span)}`, () => {
      const mention = readOne(text);
      assert.deepEqual([mention.value.min, mention.value.max, mention.value.currency], [min, max, currency]);
      assert.equal(spanText(mention), span);
    });
  }

  test('reads a price per unit with its unit: "95 EUR/h", "800 EUR/day", "€85 per hour", "120€/h"', () => {
    assert.equal(readOne('12h at 95 EUR/h').value.per, 'hour');
    assert.equal(readOne('3 days at 800 EUR/day').value.per, 'day');
    assert.equal(readOne('4 hours at €85 per hour').value.per, 'hour');
    assert.equal(readOne('10 hours @ 120€/h').value.per, 'hour');
  });

  test('reads every amount of a request with several, each with its own span', () => {
    const text = 'invoice Massive Dynamic for 1 April retainer at €3.000 + 4h extra support at €85';
    const mentions = readMoney(text);
    assert.deepEqual(mentions.map((m) => [m.value.min, m.value.currency, spanText(m)]), [[3000, 'EUR', '€3.000'], [85, 'EUR', '€85']]);
  });

  test('numbers without a currency, codes, dates and IDs are no money', () => {
    assert.deepEqual(readMoney('invoice CRASHCO-01 for 3 days, VAT ID DE298765431, sent 19.11.2026 at 08:58'), []);
  });

  test('a "1.200" in a text that writes decimals with a dot is read as 1,200 but flagged for a question', () => {
    const mentions = readMoney('hosting $12.50 a month and setup $1.200');
    assert.equal(mentions[1]!.value.min, 1200);
    assert.ok(mentions[1]!.confidence < 0.9, 'the ambiguous amount is not confident enough to act on');
    assert.ok(mentions[0]!.confidence >= 0.9);
  });
});

describe('numbers and quantities', () => {
  test('decides decimal and thousands separators from the number and the text around it', () => {
    assert.deepEqual(readNumbers('14,5 hours').map((n) => n.value), [14.5]);
    assert.deepEqual(readNumbers('1.5 days').map((n) => n.value), [1.5]);
    assert.deepEqual(readNumbers('1,000 USD and 1.000 EUR').map((n) => n.value), [1000, 1000]);
    assert.deepEqual(readNumbers('0,125 l').map((n) => n.value), [0.125]);
    assert.equal(decimalStyle('1.234,56 € and 45,80 €'), ',');
    assert.equal(decimalStyle('$1,234.56'), '.');
    assert.equal(decimalStyle('1.200 €'), null);
  });

  test('reads quantities with their unit: "12h", "5 days", "2 half-days", "2 x", "x 3"', () => {
    const read = (text: string) => readQuantities(text).map((q) => [q.value.amount, q.value.unit]);
    assert.deepEqual(read('12h at 95/h'), [[12, 'hour']]);
    assert.deepEqual(read('5 days @ $1,100'), [[5, 'day']]);
    assert.deepEqual(read('14,5 hours at 80 €'), [[14.5, 'hour']]);
    assert.deepEqual(read('2 half-days at 400'), [[2, 'item']]);
    assert.deepEqual(read('2 x 1,200'), [[2, 'item']]);
    assert.deepEqual(read('hosting 49 €/month x 3'), [[3, 'item']]);
  });

  test('reads the tax rate in the ways it is written', () => {
    for (const [text, rate] of [['+ 19% VAT', 19], ['plus TVA 20%', 20], ['+ 25,5 % VAT', 25.5], ['21% btw', 21], ['zzgl. 19 % MwSt.', 19], ['(VAT 7%)', 7], ['+ 15% GST', 15]] as const) {
      assert.equal(readTaxRate(text)?.value, rate, text);
    }
    assert.equal(readTaxRate('a 10% discount'), null);
  });
});

describe('money arithmetic in minor units', () => {
  test('prices quantity x unit price and tax without float drift', () => {
    assert.equal(lineCents(14.5, 8000), 116_000);
    assert.equal(lineCents(3, 80_000), 240_000);
    assert.equal(lineCents(0.1, 30), 3);
    assert.equal(taxCents(120_000, 19), 22_800);
    assert.equal(taxCents(333, 8.1), 27);
    assert.equal(formatAmount(3340, 'EUR'), '3,340.00 EUR');
    assert.equal(formatAmount(80_000, 'JPY'), '80,000 JPY');
  });

  test('property: quantity x price in cents equals the exact product rounded half up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 10_000_000 }), (quantityTenths, priceCents) => {
        // exact: quantityTenths * priceCents / 10, rounded half up, computed on integers
        const exact = Math.floor((quantityTenths * priceCents + 5) / 10);
        assert.equal(lineCents(quantityTenths / 10, priceCents), exact);
      }),
    );
  });
});

/** Locale styles and the currencies each writes with a sign or code that names one currency. */
const STYLES: { locale: string; currencies: string[] }[] = [
  { locale: 'en-US', currencies: ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'INR'] },
  { locale: 'en-GB', currencies: ['GBP', 'EUR', 'USD'] },
  { locale: 'de-DE', currencies: ['EUR', 'USD', 'GBP', 'CHF'] },
  { locale: 'de-AT', currencies: ['EUR'] },
  { locale: 'de-CH', currencies: ['CHF', 'EUR'] },
  { locale: 'fr-FR', currencies: ['EUR', 'USD', 'CAD', 'CHF'] },
  { locale: 'fr-CH', currencies: ['CHF'] },
  { locale: 'es-ES', currencies: ['EUR'] },
  { locale: 'it-IT', currencies: ['EUR'] },
  { locale: 'nl-NL', currencies: ['EUR'] },
  { locale: 'pt-BR', currencies: ['BRL'] },
  { locale: 'pl-PL', currencies: ['PLN', 'EUR'] },
  { locale: 'en-IN', currencies: ['INR', 'USD'] },
  { locale: 'ja-JP', currencies: ['JPY'] },
  { locale: 'sv-SE', currencies: ['EUR'] },
];

describe('property: an amount formatted in a locale style reads back exactly', () => {
  const amount = fc.record({
    cents: fc.integer({ min: 1, max: 99_999_999_99 }),
    whole: fc.boolean(),
    style: fc.constantFrom(...STYLES),
    display: fc.constantFrom('symbol' as const, 'code' as const, 'name' as const),
    pick: fc.nat(),
  });

  test('Intl.NumberFormat output with a symbol, a code or a name, before or after the number', () => {
    fc.assert(
      fc.property(amount, ({ cents, whole, style, display, pick }) => {
        const currency = style.currencies[pick % style.currencies.length]!;
        // A currency named in words is read for the words people type ("euros", "dollars"): English only.
        const shown = display === 'name' && !style.locale.startsWith('en') ? 'code' : display;
        const noMinor = currency === 'JPY';
        const value = noMinor || whole ? Math.floor(cents / 100) || 1 : cents / 100;
        const text = new Intl.NumberFormat(style.locale, {
          style: 'currency',
          currency,
          currencyDisplay: shown,
          minimumFractionDigits: noMinor || whole ? 0 : 2,
          maximumFractionDigits: noMinor || whole ? 0 : 2,
        }).format(value);
        if (shown === 'name' && !/euro|dollar|pound|franc|yen|rupee/i.test(text)) return;
        const mention = readOne(`please invoice ${text} for the work`);
        assert.equal(mention.value.min, value, `${text} (${style.locale}, ${shown})`);
        assert.equal(mention.value.currency, currency, `${text} (${style.locale}, ${shown})`);
        assert.ok(spanText(mention)!.includes(text.replace(/^-/, '').trim().split(/\s/)[0]!));
      }),
      { numRuns: 2000 },
    );
  });
});

test('a dollar sign with its country after a space ("12 000 $ CA", "$ US 800") is that country\'s dollar; a plain "$" stays USD', () => {
  assert.equal(readOne('le budget est de 12 000 $ CA environ').value.currency, 'CAD');
  assert.equal(readOne('comptez 9 500 $ CAN pour tout').value.currency, 'CAD');
  assert.equal(readOne('about $ US 800 for hosting').value.currency, 'USD');
  assert.equal(readOne('we pay 400 $ Cash on delivery').value.currency, 'USD');
});

test('a range said with "between" in Italian, Dutch, Swedish or Polish ("tra 7.000 e 9.000 euro") is the range, not its high end', () => {
  for (const [text, min, max] of [
    ['Budget: tra 6.000 e 8.000 euro', 6000, 8000],
    ['budget tussen 4.000 en 5.000 euro', 4000, 5000],
    ['vi har mellan 30 000 och 40 000 SEK', 30_000, 40_000],
    ['budżet między 10 000 a 12 000 zł', 10_000, 12_000],
  ] as const) {
    const mention = readOne(text);
    assert.deepEqual([mention.value.min, mention.value.max], [min, max], text);
  }
  // Without a "between" word, "e" or "a" joins two amounts, never a range: "extra" is no "tra".
  assert.deepEqual(readMoney('logo 500 € e sito 3.000 €').map((m) => m.value.max), [500, 3000]);
  assert.deepEqual(readMoney('extra 500 € e 300 € di spese').map((m) => m.value.max), [500, 300]);
});

test('thousands said in words of other languages: Polish "tys.", Czech "tis." and "mil" right after a currency sign ("R$ 25 mil")', () => {
  for (const [text, min, max] of [
    ['budżet ok. 25 tys. zł', 25_000, 25_000],
    ['rozpočet 80 tis. Kč', 80_000, 80_000],
    ['entre R$ 25 mil e R$ 30 mil', 25_000, 30_000],
  ] as const) {
    const mention = readOne(text);
    assert.deepEqual([mention.value.min, mention.value.max], [min, max], text);
  }
  // With no currency beside it "mil" stays unread: a million in American slang, a thousand in Spanish.
  assert.deepEqual(readMoney('we have 5 mil for this'), []);
});

test('a bare dollar sign with a currency code after the amount ("$1,500 NZD", "$40 000 MXN") is that code\'s currency', () => {
  for (const [text, currency] of [
    ['we can spend $1,500 NZD on it', 'NZD'],
    ['hasta $40 000 MXN en total', 'MXN'],
    ['about $700 USD', 'USD'],
  ] as const) {
    const mention = readOne(text);
    assert.equal(mention.value.currency, currency, text);
    assert.equal(mention.confidence, 0.95, text);
  }
  // Without a code the sign alone still reads as US dollars, less surely.
  assert.equal(readOne('roughly $300 for the logo').value.currency, 'USD');
});

test('a Swiss or German range whose ends each close with a dash ("Fr. 8\'000.– bis 9\'500.–") is the whole range', () => {
  for (const text of ["CHF 8'000.– bis 9'500.–", 'EUR 8.000,- bis 9.500,-', "Fr. 8'000.- to 9'500.-"]) {
    const mention = readOne(text);
    assert.deepEqual([mention.value.min, mention.value.max], [8000, 9500], text);
  }
});

test('a tax rate written with its percent sign first ("KDV %18", "%8 KDV dahil") is read as the rate', () => {
  for (const [text, rate] of [
    ['Toplam 4 gün, KDV %18 eklenecek', 18],
    ['fiyatlar %8 KDV hariç', 8],
    ['KDV: %10', 10],
  ] as const) {
    assert.equal(readTaxRate(text)?.value, rate, text);
  }
  // A percent sign first with no tax word near it is no tax rate.
  assert.equal(readTaxRate('bu ay %15 indirim var'), null);
});

test('"TL" right after or before an amount ("2.400 TL", "TL 900") is Turkish lira, and not read inside a word', () => {
  assert.equal(readOne('saat ücreti 2.400 TL').value.currency, 'TRY');
  assert.equal(readOne('toplam TL 900').value.currency, 'TRY');
  assert.deepEqual(readMoney('we need 3 TLDs registered'), []);
});

test('Italian "mila" after a number is thousands ("15 mila euro", "2,5 mila €")', () => {
  assert.deepEqual([readOne('un budget di 15 mila euro').value.min, readOne('un budget di 15 mila euro').value.currency], [15_000, 'EUR']);
  assert.equal(readOne('circa 2,5 mila €').value.min, 2500);
});

test('a form field whose label carries the percent sign ("VAT %: 20", "Tax (%): 8.5") is the tax rate', () => {
  for (const [text, rate] of [
    ['Currency: GBP\nVAT %: 20', 20],
    ['Tax (%): 8.5', 8.5],
    ['MwSt. in %: 19', 19],
    ['IVA (%) = 21', 21],
    ['VAT rate (%): 20', 20],
  ] as const) {
    assert.equal(readTaxRate(text)?.value, rate, text);
  }
  // Without a percent sign or "rate" the number may be the tax's amount: not read.
  assert.equal(readTaxRate('VAT: 20'), null);
  // A percent label with something after the number is not a rate field.
  assert.equal(readTaxRate('VAT %: 20 EUR'), null);
});
