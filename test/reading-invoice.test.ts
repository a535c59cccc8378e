// The invoice request reader on phrasings written for these tests (not the corpus): each value
// is read with a span that holds, and what the text leaves open becomes a question.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { spanHolds, type Field } from '../src/reading/field.ts';
import { fieldsToAsk, linesGroundedSurely, readInvoiceRequest } from '../src/reading/invoice.ts';
import { answerOf, groundModelAnswer } from '../src/reading/invoice-model.ts';

const priced = async (text: string) => (await readInvoiceRequest(text)).lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min ?? null]);
const holds = (text: string, field: Field<unknown> | null) => field !== null && field.evidence.kind === 'span' && spanHolds(text, field.evidence.span);

describe('readInvoiceRequest', () => {
  test('finds the customer in any phrasing, numbers in the name included', async () => {
    for (const [text, customer] of [
      ['please bill Wayne Enterprises 6 hours @ 120 EUR', 'Wayne Enterprises'],
      ['Invoice Stark Industries: 2 keynotes x 4.500 €', 'Stark Industries'],
      ['invoice Route 66 Diner for 2 days of photography at 450 USD/day', 'Route 66 Diner'],
      ['can you invoice Pied Piper Inc. $2,000 for the audit', 'Pied Piper Inc.'],
      ['facture pour Maison Dupont : 3 jours à 500 €', 'Maison Dupont'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.customer?.value, customer, text);
      assert.ok(holds(text, read.customer), `the customer's span holds in ${text}`);
    }
  });

  test('pairs each price with its own count, several lines per request', async () => {
    assert.deepEqual(await priced('invoice Acme Labs 4 days at 650 EUR and 3 hours at 80 EUR'), [[4, 'day', 650], [3, 'hour', 80]]);
    assert.deepEqual(await priced('bill Bluth Company: 3 banners x 250 € + setup 120 €'), [[3, 'item', 250], [1, 'item', 120]]);
    assert.deepEqual(await priced('invoice Dunder Mifflin 1.250,50 € for paper samples'), [[1, 'item', 1250.5]]);
  });

  test('a payment term ("due in 30 days", "payable within 14 days") is no line to bill and leaves the lines sure', async () => {
    for (const text of ['invoice Orbit Freight 3 days at 700 EUR, due in 30 days', 'Invoice Larkspur Ltd: 10 h x 95 GBP. Payable within 14 days.', 'Rechnung an Hafen GmbH: 2 Tage à 800 EUR, zahlbar innerhalb 10 Tagen']) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.lines.length, 1, text);
      assert.ok(linesGroundedSurely(text, read), text);
      assert.ok(!fieldsToAsk(text, read).includes('lines'), text);
    }
    // Only a span of time is a term: "pay in 2 instalments" counts something the lines do not show.
    const instalments = 'invoice Orbit Freight 3 days at 700 EUR, pay in 2 instalments';
    assert.ok(!linesGroundedSurely(instalments, await readInvoiceRequest(instalments)));
  });

  test('uses the e-mail and VAT ID the request states, with their spans', async () => {
    const text = 'Invoice Nordwind GmbH (USt-IdNr. DE123456789) 5 days at 900 EUR, send to rechnung@nordwind.example';
    const read = await readInvoiceRequest(text);
    assert.equal(read.vatId?.value, 'DE123456789');
    assert.equal(read.email?.value, 'rechnung@nordwind.example');
    assert.ok(holds(text, read.vatId) && holds(text, read.email));
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('asks about what the text leaves open: no customer, a range, no currency, a question', async () => {
    assert.deepEqual(fieldsToAsk('invoice 2 days at 500 EUR', await readInvoiceRequest('invoice 2 days at 500 EUR')), ['customer']);
    const range = 'bill Tyrell Corp between 1k and 2k EUR for the review';
    assert.deepEqual(fieldsToAsk(range, await readInvoiceRequest(range)), ['lines']);
    assert.deepEqual(fieldsToAsk('invoice Umbrella 3 days at 400', await readInvoiceRequest('invoice Umbrella 3 days at 400')), ['currency']);
    assert.equal((await readInvoiceRequest('did we already invoice Initech for October?')).intent, 'other');
  });

  test('a count right before a month may be a date: priced, but not sure enough to go out unseen', async () => {
    const text = 'invoice Soylent Corp for 1 May retainer at €2.000';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(await priced(text), [[1, 'item', 2000]]);
    assert.equal(linesGroundedSurely(text, read), false);
  });

  test('a labelled form: the customer, count, rate and currency each in a field of its own', async () => {
    const text = 'Invoice\nCustomer: Tessellate Studio\nDays: 4\nDay rate: 720\nCurrency: EUR\nDescription: layout sprint';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Tessellate Studio');
    assert.deepEqual(await priced(text), [[4, 'day', 720]]);
    assert.equal(read.lines[0]?.description.value, 'layout sprint');
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('a price for each one counts what the sentence counted before it', async () => {
    assert.deepEqual(await priced('invoice Foxglove Farm for the 12 posters, 30 EUR each'), [[12, 'item', 30]]);
    assert.deepEqual(await priced('bill Larkspur Dance - 4 classes of 60min, €85 per class'), [[4, 'item', 85]]);
    assert.deepEqual(await priced('invoice Tern Logistics 5 days x 420, currency gbp'), [[5, 'day', 420]]);
    assert.equal((await readInvoiceRequest('invoice Tern Logistics 5 days x 420, currency gbp')).currency?.value, 'GBP');
  });

  test('Swiss whole francs and abbreviated units stay in one line', async () => {
    assert.deepEqual(await priced('invoice Bergblick AG 6 Std. à CHF 150.– und Spesen CHF 42.10'), [[6, 'hour', 150], [1, 'item', 42.1]]);
  });

  test('what changes the amount unread is never acted on: a discount is asked, a day rate with no count is shown first', async () => {
    const discount = 'invoice Tern & Co 2 days @ 500 EUR less 15% discount';
    assert.ok(fieldsToAsk(discount, await readInvoiceRequest(discount)).includes('lines'));
    const perDay = 'Invoice Wren Media two days of filming at 400 dollars a day';
    assert.deepEqual(await priced(perDay), [[2, 'day', 400]]);
    assert.equal((await readInvoiceRequest(perDay)).customer?.value, 'Wren Media');
    const uncounted = 'invoice Wren Media for filming at 400 EUR a day';
    assert.equal(linesGroundedSurely(uncounted, await readInvoiceRequest(uncounted)), false);
  });

  test('money already paid or billed (a deposit, last month\'s invoice) is never billed unasked', async () => {
    for (const text of ['invoice Globex 3 days at 800 EUR, they already paid a 1,000 EUR deposit', 'invoice Hooli for 3 days at 800 EUR, last month we invoiced them 2,400 EUR for the same', 'invoice Soylent for 8 hours at 60 EUR, same as last time (they paid 480 EUR)']) {
      const read = await readInvoiceRequest(text);
      assert.ok(fieldsToAsk(text, read).includes('lines'), text);
      assert.ok(read.problems.some((p) => /already paid/.test(p.why)), text);
    }
  });

  test('"45-minute calls" and a street number are no count or price; a count far from its price is shown before it is used', async () => {
    assert.deepEqual(await priced('invoice Initech for 2 x 45-minute calls at 90 EUR'), [[2, 'item', 90]]);
    const street = 'invoice Acme Ltd for 3 days at 800 GBP; Acme Ltd is at 10 Downing Lane, London EC1A 1BB';
    assert.deepEqual(await priced(street), [[3, 'day', 800]]);
    const loose = 'invoice Soylent 3 days at 800 EUR, 24 hours notice cancellation fee 200 EUR';
    assert.equal(linesGroundedSurely(loose, await readInvoiceRequest(loose)), false);
    const tied = 'invoice Pinecone Media 2x workshop (half day) @ 650 EUR, 1x travel flat 180 EUR';
    assert.equal(linesGroundedSurely(tied, await readInvoiceRequest(tied)), true);
  });

  test('a reference number after the customer\'s name is not part of it, and "Invoices go to" asks for nothing', async () => {
    const po = 'invoice Globex PO 4500123 for 3 days at 800 EUR';
    assert.equal((await readInvoiceRequest(po)).customer?.value, 'Globex');
    const text = 'From: Accounts <accounts@brightline.example>\nTo: Sam <hello@studio.example>\nSubject: Invoice for November\n\nHello Sam,\n\nPlease send us the invoice for November: 14 hours at 95 EUR. Invoices go to ap@brightline.example, not this address.\n\nBrightline Media GmbH\nHauptstraße 5\n10115 Berlin\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Brightline Media GmbH');
    assert.equal(read.email?.value, 'ap@brightline.example');
  });

  test('a forwarded client e-mail: the customer and address from its inline address, the recipient its sender, the quote left out', async () => {
    const text = [
      'can you bill this?',
      '',
      '---------- Forwarded message ---------',
      'From: Ada Quill <ada@plover-studio.example>',
      'Date: Tue, Dec 1, 2026 at 9:00 AM',
      'Subject: invoice',
      'To: Sam <hello@ortega-studio.example>',
      '',
      'Hi Sam, please invoice us for the 8 photos, $60 each. Address: Plover Studio LLC, 14 Elm Rd, Salem, MA 01970.',
      '',
      'On Mon, Nov 30, 2026 at 5:00 PM Sam <hello@ortega-studio.example> wrote:',
      '> the first batch was 10 photos at $55',
    ].join('\n');
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Plover Studio LLC');
    assert.equal(read.address?.value, '14 Elm Rd, Salem, MA 01970');
    assert.equal(read.email?.value, 'ada@plover-studio.example');
    assert.deepEqual(await priced(text), [[8, 'item', 60]]);
    assert.ok(holds(text, read.customer) && holds(text, read.address));
  });

  test('a billing block: the line with the VAT ID is no part of the address', async () => {
    const text = 'From: Noor Haddad <noor@zeder.example>\nTo: hello@ortega-studio.example\nSubject: factuur\n\nKun je ons factureren voor 10 uur à € 80,00?\n\nZeder Media B.V.\nKade 12\n1011 AB Amsterdam\nBTW NL001234567B01\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Zeder Media B.V.');
    assert.equal(read.address?.value, 'Kade 12, 1011 AB Amsterdam');
    assert.equal(read.vatId?.value, 'NL001234567B01');
  });

  test('property: any count, price and customer written in a common way reads back exactly', async () => {
    const names = fc.constantFrom('Hooli', 'Globex Corporation', 'Initech', 'Blue Sun Ltd', 'Oscorp Industries', 'Studio 54');
    await fc.assert(
      fc.asyncProperty(names, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9_999 }), fc.constantFrom('days', 'hours'), fc.constantFrom(['€', ''], ['', ' EUR'], ['$', ''], ['', ' USD']), async (name, count, price, unit, [before, after]) => {
        const text = `invoice ${name} for ${count} ${unit} at ${before}${price.toLocaleString('en-US')}${after}`;
        const read = await readInvoiceRequest(text);
        assert.equal(read.customer?.value, name, text);
        assert.deepEqual(await priced(text), [[count, unit === 'days' ? 'day' : 'hour', price]], text);
        assert.deepEqual(fieldsToAsk(text, read), [], text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a model reading checked against the text', async () => {
  const text = 'invoice Massive Dynamic for 1 April retainer at €3.000 + 4h extra support at €85';
  const rules = await readInvoiceRequest(text);

  test('the same reading as the rules is grounded and asks nothing more', async () => {
    const model = groundModelAnswer(text, answerOf(rules), rules);
    assert.deepEqual(fieldsToAsk(text, model), fieldsToAsk(text, rules));
  });

  test('an amount the request does not say, or that disagrees with the rules, is asked; the grounded lines are offered', async () => {
    const wrong = { ...answerOf(rules), lines: [{ description: 'April retainer', quantity: 1, unit: 'item', unitPrice: 3 }, { description: 'extra support', quantity: 4, unit: 'hour', unitPrice: 85 }] };
    const model = groundModelAnswer(text, wrong, rules);
    assert.ok(fieldsToAsk(text, model).includes('lines'));
    assert.ok(model.problems.some((p) => /the model read 3\.00/.test(p.why)));
    assert.deepEqual(model.lines.map((l) => l.unitPrice?.value.min), [3000, 85], 'the best reading offered is the grounded one');
  });

  test('a customer the request never names is asked', async () => {
    const model = groundModelAnswer(text, { ...answerOf(rules), customer: 'Northwind Traders' }, rules);
    assert.equal(model.customer, null);
    assert.ok(fieldsToAsk(text, model).includes('customer'));
  });
});

describe('a count or price said with doubt or only roughly is asked (round 3)', () => {
  test('roughly, ~, TBD, "around" and a price with a question mark ask the lines', async () => {
    for (const text of ['bill Marlowe & Finch roughly 6 hours at £85/h', 'invoice Blue Heron Kayaks ~10h at $75', 'invoice Castlebar Motors TBD hours at €95/h', "invoice Halcyon Health for the Q4 report, around 2k EUR, I'll check", 'invoice Juniper & Sage 5 days at 600 EUR? or was it 650']) {
      const read = await readInvoiceRequest(text);
      assert.ok(fieldsToAsk(text, read).includes('lines'), text);
      assert.ok(!read.customer || !/[~]|TBD/.test(read.customer.value), `the customer stops before the doubt: ${read.customer?.value}`);
    }
  });

  test('a count said only roughly in Czech, Slovak, Dutch or Swedish ("cca", "zhruba", "ongeveer", "ungefär") asks the lines', async () => {
    for (const text of ['Faktura pro Tiskárna Novák s.r.o., grafika, cca 12 hodin à 800 Kč', 'Faktura pro Mlýn Horák s.r.o.: zhruba 6 hodin po 700 Kč', 'factuur voor Bakkerij Smit B.V., ongeveer 8 uur à 65 EUR', 'faktura till Fiskhamnen AB, ungefär 10 timmar à 900 SEK']) {
      const read = await readInvoiceRequest(text);
      assert.ok(fieldsToAsk(text, read).includes('lines'), text);
    }
  });

  test('a client asking in a question ("podrías facturarnos ... ?") is a request, not doubt', async () => {
    const text = 'From: Lucía <lucia@olivar.example>\nTo: sam@ortega-studio.example\nSubject: Factura\n\nHola Sam,\n\n¿podrías facturarnos los 5 días de formación a 480 € cada uno?\n\nOlivar Digital S.L.\n';
    assert.ok(!fieldsToAsk(text, await readInvoiceRequest(text)).includes('lines'));
  });

  test('"send X an invoice" and "send an invoice to X" name the customer', async () => {
    assert.equal((await readInvoiceRequest('Could you send Pinewood Cafe an invoice for the menu redesign - 1.250 € flat')).customer?.value, 'Pinewood Cafe');
    const to = await readInvoiceRequest('send an invoice to Brightline Studio for the logo work, 2 days at 500 EUR');
    assert.equal(to.intent, 'invoice');
    assert.equal(to.customer?.value, 'Brightline Studio');
  });
});

describe('on the model path, a disagreement with the rules on an amount or a party is asked (round 3)', () => {
  test('a customer, currency or tax rate the rules read otherwise, or not at all, is asked', async () => {
    const text = 'invoice Globex 3 days at 800 EUR + 19% VAT, Initech gets a copy, USD later';
    const rules = await readInvoiceRequest(text);
    assert.deepEqual(fieldsToAsk(text, groundModelAnswer(text, answerOf(rules), rules)), fieldsToAsk(text, rules), 'agreeing with the rules adds no question');
    assert.ok(fieldsToAsk(text, groundModelAnswer(text, { ...answerOf(rules), currency: 'USD' }, rules)).includes('currency'));
    assert.ok(fieldsToAsk(text, groundModelAnswer(text, { ...answerOf(rules), taxRatePercent: null }, rules)).includes('lines'));
    const noName = '3 days at 800 EUR for Initech';
    const unnamed = await readInvoiceRequest(noName);
    assert.ok(fieldsToAsk(noName, groundModelAnswer(noName, { ...answerOf(unnamed), customer: 'Initech' }, unnamed)).includes('customer'));
  });
});

describe('round 5: shapes the corpus lacked', () => {
  test('two counts multiplied ("2 people x 3 days") bill their product, shown for approval since no span states it, and "per person-day" prices a day', async () => {
    const text = 'bill Quayside Labs 3 editors x 2 days at 420 EUR per person-day';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min]), [[6, 'day', 420]]);
    assert.equal(read.lines[0]!.quantity.evidence.kind === 'span' && read.lines[0]!.quantity.evidence.span.text, '3 editors x 2 days');
    assert.deepEqual(fieldsToAsk(text, read), []);
    assert.equal(linesGroundedSurely(text, read), false, 'the product is the reading\'s arithmetic: the operator sees it before it goes out');
  });

  test('hours and minutes ("2:15 h", "7h30") count hours, not minutes or a time of day', async () => {
    const colon = await readInvoiceRequest('invoice Ferncliff Vets 2:15 h of support at 60 EUR/h');
    assert.deepEqual(colon.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min]), [[2.25, 'hour', 60]]);
    const glued = await readInvoiceRequest('bill Ferncliff Vets 7h30 of training at 90 EUR per hour');
    assert.deepEqual(glued.lines.map((l) => [l.quantity.value, l.unit]), [[7.5, 'hour']]);
    // "at 14:30 h" is when, not how long.
    const when = await readInvoiceRequest('invoice Ferncliff Vets 3 hours at 60 EUR/h, call on Monday at 14:30 h');
    assert.deepEqual(when.lines.map((l) => l.quantity.value), [3]);
  });

  test('a Polish request: "faktura dla", a legal form with dots and spaces, "dni" and "godz." counted, "oraz" between lines', async () => {
    const text = 'faktura dla Nowak Design Sp. z o.o.: 4 dni × 900 zł oraz 3 godz. × 120 zł';
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Nowak Design Sp. z o.o.');
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min]), [[4, 'day', 900], [3, 'hour', 120]]);
    assert.equal(read.currency?.value, 'PLN');
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('a form with "Company name:", "Hours worked:" and a currency in the rate\'s label is an invoice request read field by field', async () => {
    const text = 'Invoice request (web form)\nCompany name: Brisa Yoga SL\nHours worked: 12,5\nHourly rate (EUR): 64\nBilling email: admin@brisa-yoga.example';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Brisa Yoga SL');
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min]), [[12.5, 'hour', 64]]);
    assert.equal(read.currency?.value, 'EUR');
    assert.equal(read.email?.value, 'admin@brisa-yoga.example');
  });

  test('a French client e-mail: "nous facturer" names no customer, the billing address label does, and its address is used', async () => {
    const text = 'From: Paul <paul@verrerie-morel.example>\nTo: sam@ortega-studio.example\nSubject: Facture\n\nBonjour Sam,\n\nMerci de nous facturer les 3 jours à 600 € HT.\nAdresse de facturation : Verrerie Morel SARL, 4 quai Saint-Antoine, 69002 Lyon\n\nPaul Morel\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Verrerie Morel SARL');
    assert.equal(read.address?.value, '4 quai Saint-Antoine, 69002 Lyon');
    assert.deepEqual(fieldsToAsk(text, read), []);
    // Lower case only: "La Trattoria" is a name.
    assert.equal((await readInvoiceRequest('invoice La Trattoria 2 days at 400 EUR')).customer?.value, 'La Trattoria');
  });

  test('a title before a bar or a comma on the signature\'s organisation line is no part of the customer', async () => {
    const text = 'From: Ines <ines@hallett-joinery.example>\nTo: sam@ortega-studio.example\nSubject: invoice\n\nHi Sam, please invoice us for the 2 site visits at 150 GBP each.\n\nInes Hallett\nFinance Lead | Hallett Joinery Ltd\n12 Mill Lane, Leeds LS1 4AB\n';
    assert.equal((await readInvoiceRequest(text)).customer?.value, 'Hallett Joinery Ltd');
    // A comma that is part of the name stays: "Globex, Inc." is not "Inc.".
    const comma = 'From: Ann <ann@globex.example>\nTo: sam@ortega-studio.example\nSubject: invoice\n\nPlease invoice us for 2 days at 500 USD.\n\nAnn Lee\nGlobex, Inc.\n1 Main St, Springfield\n';
    assert.equal((await readInvoiceRequest(comma)).customer?.value, 'Globex, Inc.');
  });

  test('a monthly rate over a stretch of months ("for Jan–Mar") asks how many, and "the retainer" ends the name', async () => {
    const text = 'invoice Larkspur Media the retainer, 1.800 €/month for Jan–Mar';
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Larkspur Media');
    assert.deepEqual(fieldsToAsk(text, read), ['lines']);
  });

  test('a price that already holds the tax ("brutto", "incl. VAT", "TTC") is asked, never taxed again', async () => {
    for (const text of ['invoice Aldgate Print 1 x 2,400 GBP incl. 20% VAT', 'Rechnung an Lindner Bau GmbH: Pauschale 595 € brutto', 'facture Atelier Sorel : 3 jours à 720 € TTC']) {
      assert.ok(fieldsToAsk(text, await readInvoiceRequest(text)).includes('lines'), text);
    }
    const net = 'invoice Aldgate Print 1 x 2,000 GBP + 20% VAT';
    assert.deepEqual(fieldsToAsk(net, await readInvoiceRequest(net)), []);
  });

  test('one hourly rate stated once prices the hours listed under it, a day a line, shown for approval since the reading joined them', async () => {
    const text = 'bill Marram Studio for the audit, 85 EUR/h\nThu 2,5h\nFri 6h';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min]), [[2.5, 85], [6, 85]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
    assert.equal(linesGroundedSurely(text, read), false);
    // Two rates, or counts in another unit than the rate's, are not guessed at.
    const days = 'bill Marram Studio 85 EUR/h\n2 days on site';
    assert.ok(fieldsToAsk(days, await readInvoiceRequest(days)).includes('lines'));
    // Nor when some of the work was paid for already.
    const paid = 'bill Marram Studio for the audit, 85 EUR/h\nThu 2,5h\nFri 6h (already paid)';
    assert.ok(fieldsToAsk(paid, await readInvoiceRequest(paid)).includes('lines'));
  });
});

describe('round 6: what the request bills but does not price', () => {
  test('a thing to bill joined to a priced line with no amount ("and the hotel", "plus printing") asks the lines, on the model path too', async () => {
    for (const text of ['bill Osprey Works 3 days at 520 EUR and the hotel', 'invoice Larch & Lime 4 hours @ 75 GBP plus printing costs', 'Rechnung an Kessel Bau: 2 Tage à 600 EUR und die Fahrtkosten']) {
      const read = await readInvoiceRequest(text);
      assert.ok(fieldsToAsk(text, read).includes('lines'), text);
      const model = groundModelAnswer(text, answerOf(read), read);
      assert.ok(fieldsToAsk(text, model).includes('lines'), `model path: ${text}`);
    }
  });

  test('tax, terms or thanks after "and" or "+" add no line', async () => {
    for (const text of ['bill Osprey Works 3 days at 520 EUR plus VAT', 'invoice Larch & Lime 4 hours @ 75 GBP + 20% VAT', 'bill Osprey Works 3 days at 520 EUR and thanks', 'invoice Larch & Lime 4 hours @ 75 GBP and the usual terms']) {
      assert.deepEqual(fieldsToAsk(text, await readInvoiceRequest(text)), [], text);
    }
  });
});

describe('round 6: parties, labels and requests that are no request', () => {
  test('"bitte Rechnung an X:", "por favor factura a X:" name the customer after a polite word in the request\'s language', async () => {
    const german = await readInvoiceRequest('bitte Rechnung an Dachs & Partner GbR: 3 Tage à 700 €, zzgl. 19 % MwSt.');
    assert.equal(german.customer?.value, 'Dachs & Partner GbR');
    assert.deepEqual(fieldsToAsk('bitte Rechnung an Dachs & Partner GbR: 3 Tage à 700 €, zzgl. 19 % MwSt.', german), []);
    assert.equal((await readInvoiceRequest('por favor factura a Olivos Verdes S.L.: 2 días a 500 €')).customer?.value, 'Olivos Verdes S.L.');
  });

  test('"VAT no.: X" and "our VAT number is X" give the VAT ID', async () => {
    assert.equal((await readInvoiceRequest('Invoice request\nClient: Brisa Marina S.L.\nVAT no.: ESB12345678\nItem: 2 days | 400,00 EUR')).vatId?.value, 'ESB12345678');
    assert.equal((await readInvoiceRequest('invoice Harbour Kilns Ltd 2 days at £450. Our VAT number is GB987654321.')).vatId?.value, 'GB987654321');
  });

  test('an address label whose street is on its line and whose postcode and town are on the next reads both lines', async () => {
    const text = 'Invoice Moulin Vert SAS: 3 days of audit at 700 EUR. Address: 8 avenue Jean Jaurès\n38000 Grenoble';
    const read = await readInvoiceRequest(text);
    assert.equal(read.address?.value, '8 avenue Jean Jaurès, 38000 Grenoble');
    assert.ok(holds(text, read.address));
  });

  test('a phone number on the line under the organisation is no part of its address', async () => {
    const text = 'From: Ana Ruiz <ana@tallow-goods.example>\nTo: sam@ortega-studio.example\nSubject: invoice\n\nHi Sam, please invoice us for 2 days at $800/day.\n\nThanks,\nAna\n\nAna Ruiz | Finance\nTallow Goods LLC\n+1 415 555 0178\n';
    assert.equal((await readInvoiceRequest(text)).address, null);
  });

  test('a reminder about an issued invoice ("invoice 2026-017 is 45 days overdue, chase them?") is no request to issue one', async () => {
    assert.equal((await readInvoiceRequest('invoice 2026-017 to Initech is 45 days overdue, can you chase them?')).intent, 'other');
    assert.equal((await readInvoiceRequest('invoice Initech 2 days at 600 EUR, and remind them the last one is overdue')).intent, 'invoice');
  });
});

describe('round 6: tables with dot leaders', () => {
  test('an amount padded after its sign ("£   95.00") is read, and a line\'s total beside its rate ("(4 days @ £500) . £2,000.00") is no second line', async () => {
    const text = 'Please invoice Heron Quay Ltd for:\n  * Kick-off session ......... £   95.00\n  * Build (4 days @ £500) ..... £2,000.00\n';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(await priced(text), [[1, 'item', 95], [4, 'day', 500]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
    // An amount that is not the count times the price is still a line of its own.
    assert.equal((await priced('invoice Heron Quay Ltd: build (4 days @ £500), hosting £120')).length, 2);
  });
});

describe('round 6: a billing form', () => {
  test('a form with a customer and its lines under "Lines:" or "Items:" is a request, though it never says "invoice"', async () => {
    const text = 'Customer: Pell Mell Catering\nItems:\n- 2 days menu design @ 450\n- 1 day tasting @ 300\nCurrency: GBP\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.deepEqual(await priced(text), [[2, 'day', 450], [1, 'day', 300]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
    // A customer's name alone with no lines label asks for nothing to be issued.
    assert.equal((await readInvoiceRequest('Customer: Pell Mell Catering\nNotes: they liked the tasting')).intent, 'other');
  });
});

describe('round 6: a total instead of a rate', () => {
  test('"3 days of copy-editing, 1,950 EUR total" bills the work as one line at the total, shown for approval', async () => {
    const text = 'bill Larkspur Press for 3 days of copy-editing, 1,950 EUR total';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min]), [[1, 1950]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
    assert.equal(linesGroundedSurely(text, read), false);
    // Without "total" the amount may be a rate or a part: asked.
    const bare = 'bill Larkspur Press for 3 days of copy-editing, 1,950 EUR';
    assert.ok(fieldsToAsk(bare, await readInvoiceRequest(bare)).includes('lines'));
  });
});

describe('round 6: where the new rules stop', () => {
  test('a billing form that asks for a quote is no invoice request', async () => {
    assert.equal((await readInvoiceRequest('Customer: Pell Mell Catering\nItems:\n- 2 days menu design @ 450\nCurrency: GBP\nType: quote')).intent, 'other');
  });

  test('an amount equal to count times rate but named as something else ("plus 1,000 EUR for the licence") is a line of its own', async () => {
    assert.deepEqual(await priced('invoice Heron Quay Ltd 2 days at 500 EUR plus 1,000 EUR for the licence'), [[2, 'day', 500], [1, 'item', 1000]]);
  });

  test('"outstanding" work with no price is asked, not taken for a reminder', async () => {
    const text = 'bill Hooli for the outstanding 3 days';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.ok(fieldsToAsk(text, read).includes('lines'));
  });
});

describe('round 6: probes of the new rules', () => {
  test('"+ expenses at cost" is a thing to bill with no amount, asked; "and the same PO as before" is none', async () => {
    const expenses = 'invoice Birch Lane 2 days at 600 EUR + expenses at cost';
    assert.ok(fieldsToAsk(expenses, await readInvoiceRequest(expenses)).includes('lines'));
    const po = 'invoice Birch Lane 2 days at 600 EUR and the same PO as before';
    assert.deepEqual(fieldsToAsk(po, await readInvoiceRequest(po)), []);
  });

  test('"2 days at 600 EUR, 1,200 EUR total" bills 1,200 once', async () => {
    assert.deepEqual(await priced('invoice Birch Lane 2 days at 600 EUR, 1,200 EUR total'), [[2, 'day', 600]]);
  });
});

test('an amount said to be the total beside other prices is checked against the lines, never billed as a line', async () => {
  const wrong = 'invoice Birch Lane 2 days at 600 EUR and 1 day at 300 EUR, 1,400 EUR in total';
  const read = await readInvoiceRequest(wrong);
  assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min]), [[2, 600], [1, 300]]);
  assert.ok(fieldsToAsk(wrong, read).includes('lines'));
  const right = 'invoice Birch Lane 2 days at 600 EUR and 1 day at 300 EUR, 1,500 EUR in total';
  assert.deepEqual(fieldsToAsk(right, await readInvoiceRequest(right)), []);
});

describe('round 7: customers after the verb in other languages and shapes', () => {
  test('a language\'s own preposition after its invoice word ("factura para", "factuur voor", "faktura till", "fatura para") is no part of the name', async () => {
    for (const [text, customer] of [
      ['Factura para Talleres Oñate S.A.: 2 jornadas a 380 €', 'Talleres Oñate S.A.'],
      ['factuur voor Groenhuis Tuinen: 5 uur à € 60', 'Groenhuis Tuinen'],
      ['Faktura till Björk Design AB: 3 dagar à 6 000 SEK', 'Björk Design AB'],
      ['Fatura para Casa Lusa: 4 horas a 45 €', 'Casa Lusa'],
      ['factuur Hofman Verhuur, 2 dagen à €410', 'Hofman Verhuur'],
      ['make an invoice for Quill & Ink Press: 3 hours at 70 GBP', 'Quill & Ink Press'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.intent, 'invoice', text);
      assert.equal(read.customer?.value, customer, text);
      assert.ok(holds(text, read.customer), text);
    }
  });

  test('a lower-case preposition or article after the invoice word is never a customer: asked', async () => {
    for (const text of ['fatura de novembro: 3 horas a 50 €', 'factuur van de maand: 6 uur à € 55', 'make an invoice for 2 days of design at 500 EUR']) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.customer, null, text);
      assert.ok(fieldsToAsk(text, read).includes('customer'), text);
    }
  });

  test('a comma before a legal form ("Vidal & Hijos, S.L.", "Fenwick, Inc.") stays in the name', async () => {
    for (const [text, customer] of [
      ['Factura para Vidal & Hijos, S.L.: 2 días a 300 €', 'Vidal & Hijos, S.L.'],
      ['invoice Fenwick, Inc. 3 hours at 90 USD', 'Fenwick, Inc.'],
    ] as const) assert.equal((await readInvoiceRequest(text)).customer?.value, customer, text);
    // A comma before an ordinary word still ends the name.
    assert.equal((await readInvoiceRequest('invoice Fenwick, 3 hours at 90 USD')).customer?.value, 'Fenwick');
  });

  test('a title with a stop before a person ("Dr. Lena Park", "Mrs. Osei") is part of the customer\'s name', async () => {
    for (const [text, customer] of [
      ['invoice Dr. Lena Park 2 sessions at 150 USD', 'Dr. Lena Park'],
      ['bill Mrs. Osei for 3 lessons at 40 GBP', 'Mrs. Osei'],
    ] as const) assert.equal((await readInvoiceRequest(text)).customer?.value, customer, text);
    // A sentence that ends after a name still ends it.
    assert.equal((await readInvoiceRequest('invoice Harbour Lights. 2 days at 500 EUR')).customer?.value, 'Harbour Lights');
  });

  test('"send over the invoice" names no customer', async () => {
    const text = 'From: Ann Lee <ann@lee-bakes.example>\nTo: me@studio.example\nSubject: invoice\nMIME-Version: 1.0\nContent-Type: text/plain; charset="UTF-8"\n\nHi, can you send over the invoice for the logo work?\n\nAnn';
    const read = await readInvoiceRequest(text);
    assert.notEqual(read.customer?.value, 'over');
    assert.ok(fieldsToAsk(text, read).includes('customer'));
  });

  test('a tax ID with a hyphen after its letter ("CIF: A-12345678") is read', async () => {
    const text = 'Factura para Marisquería Ría S.L.: 2 días a 300 €\nCIF: A-12345678';
    assert.equal((await readInvoiceRequest(text)).vatId?.value, 'A-12345678');
  });
});

describe('round 7: forms and units', () => {
  test('a form with numbered line fields ("line1_qty=2", "item_2_price: 90") bills those lines and no other number in it', async () => {
    const text = 'client_company=Moorfield Tiles Ltd\nclient_abn=12 345 678 901\nline1_desc=Survey\nline1_qty=2\nline1_price=300.00\nline2_desc=Write-up (3h)\nline2_price=450.00\ncurrency=GBP\nvat_rate=20';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Moorfield Tiles Ltd');
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min]), [[2, 300], [1, 450]]);
    assert.equal(read.currency?.value, 'GBP');
    assert.equal(read.taxRatePercent?.value, 20);
    assert.equal(read.vatId?.value, '12 345 678 901');
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('a numbered field with a count and no price is asked; "Item 1: ... | qty 2 | 300 EUR" is still read as a written line', async () => {
    const unpriced = 'customer_name: Moorfield Tiles Ltd\nitem_1: Survey\nitem_1_qty: 2\ncurrency: GBP';
    assert.ok(fieldsToAsk(unpriced, await readInvoiceRequest(unpriced)).includes('lines'));
    assert.deepEqual(await priced('Client: Moorfield Tiles Ltd\nItem 1: Survey | qty 2 | 300,00 EUR'), [[2, 'item', 300]]);
  });

  test('"Price per unit:" beside "Quantity:" in a form prices its line', async () => {
    const text = 'Invoice request\nCustomer name: Moorfield Tiles Ltd\nDescription: Survey visits\nQuantity: 4\nPrice per unit: 95\nCurrency: GBP';
    assert.deepEqual(await priced(text), [[4, 'item', 95]]);
    assert.deepEqual(fieldsToAsk(text, await readInvoiceRequest(text)), []);
  });

  test('a tax rate field is read only when its label says rate ("vat_rate: 20"); "VAT: 20" may be an amount', async () => {
    assert.equal((await readInvoiceRequest('Invoice to: Moorfield Tiles Ltd\nLines: survey 300 GBP\nTax rate = 20')).taxRatePercent?.value, 20);
    assert.equal((await readInvoiceRequest('Invoice to: Moorfield Tiles Ltd\nLines: survey 300 GBP\nVAT: 20')).taxRatePercent, null);
  });

  test('"2 days @ 900 EUR each" prices each day; a price per hour beside days is still asked', async () => {
    const each = 'invoice Moorfield Tiles 2 days of surveying @ 900 EUR each';
    assert.deepEqual(fieldsToAsk(each, await readInvoiceRequest(each)), []);
    const hourly = 'invoice Moorfield Tiles 2 days of surveying at 90 EUR/h';
    assert.ok(fieldsToAsk(hourly, await readInvoiceRequest(hourly)).includes('lines'));
  });
});

test('a count said to be the total under a timesheet ("total 7h") is checked against the days, never billed as another line', async () => {
  const agrees = 'Invoice to: Fernhill Surgery\nRate: 70 EUR/h\nMon 4h rota app\nThu 3h rota app\ntotal 7h';
  assert.deepEqual(await priced(agrees), [[4, 'hour', 70], [3, 'hour', 70]]);
  const disagrees = 'invoice Fernhill Surgery at 70 EUR/h:\nMon 4h\nThu 3h\ntotal: 8h';
  const read = await readInvoiceRequest(disagrees);
  assert.equal(read.lines.length, 2);
  assert.ok(fieldsToAsk(disagrees, read).includes('lines'));
  // A count that says "in total" beside its own price is still that line.
  assert.deepEqual(await priced('invoice Fernhill Surgery 7 hours in total at 70 EUR'), [[7, 'hour', 70]]);
});

test('probes of this round\'s customer rules: a month alone after the invoice word is asked, "make an invoice template" is no request, "St. Mary\'s School" keeps its saint', async () => {
  const month = 'Faktura för november: 2 timmar à 800 SEK';
  const read = await readInvoiceRequest(month);
  assert.equal(read.customer, null);
  assert.ok(fieldsToAsk(month, read).includes('customer'));
  assert.equal((await readInvoiceRequest('can you make an invoice template for me?')).intent, 'other');
  assert.equal((await readInvoiceRequest('bill St. Anne\'s Choir 2 hours at 40 GBP')).customer?.value, 'St. Anne\'s Choir');
  assert.equal((await readInvoiceRequest('invoice June Park 2 hours at 40 GBP')).customer?.value, 'June Park');
});

describe('round 8: corrections, bare totals, minutes, tax IDs and customers', () => {
  test('a request that corrects itself ("no wait", ", sorry", "make that") is shown for approval, never sent unseen', async () => {
    for (const text of [
      'invoice Harbourview Yoga 12 classes at 40 GBP each, no wait, 38 each',
      'bill Copper Kettle Cafe for 3 days at 500 EUR - sorry, 450 a day',
      'invoice Tessel Labs 10 hours at 90 USD, make that 11 hours',
    ]) {
      const read = await readInvoiceRequest(text);
      assert.equal(linesGroundedSurely(text, read), false, text);
    }
    // Words that only look alike: "wait" for a payment, "sorry for the delay".
    for (const text of ['invoice Harbourview Yoga 12 classes at 40 GBP each, they can wait until January to pay', 'sorry for the delay! invoice Tessel Labs 10 hours at 90 USD']) {
      assert.equal(linesGroundedSurely(text, await readInvoiceRequest(text)), true, text);
    }
  });

  test('a bare amount called the total ("total 1,900") is checked against the lines even without its own currency', async () => {
    const wrong = 'invoice Pebble Works: 3 days design at 400 EUR + 1 day print prep at 250, total 1,900';
    const read = await readInvoiceRequest(wrong);
    assert.ok(fieldsToAsk(wrong, read).includes('lines'));
    const right = 'invoice Pebble Works: 3 days design at 400 EUR + 1 day print prep at 250, total 1,450';
    assert.deepEqual(fieldsToAsk(right, await readInvoiceRequest(right)), []);
    // A count after "total" with its unit is no amount: "total 4 days" is checked as a count, not as money.
    const counted = 'invoice Pebble Works 4 days at 400 EUR, total 4 days';
    assert.deepEqual(fieldsToAsk(counted, await readInvoiceRequest(counted)), []);
  });

  test('hours and minutes written apart ("1h 20min", "2 Std. 15 Min.") are one count of hours', async () => {
    const lines = async (text: string) => (await readInvoiceRequest(text)).lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min ?? null]);
    assert.deepEqual(await lines('invoice Larchmont Vets 1h 20min phone support at 90 USD/h'), [[1 + 20 / 60, 'hour', 90]]);
    assert.deepEqual(await lines('Rechnung an Café Lindau: Beratung 2 Std. 15 Min. à 80 €/Std.'), [[2.25, 'hour', 80]]);
    // Minutes said apart from the count are no part of it.
    assert.deepEqual(await lines('invoice Larchmont Vets 3 hours at 90 USD/h, the call itself was 40 min'), [[3, 'hour', 90]]);
  });

  test('a Polish NIP (also with dashes) and a Swedish "momsreg.nr" are read as the VAT ID; a dashed number without a label is not', async () => {
    const vat = async (text: string) => (await readInvoiceRequest(text)).vatId?.value ?? null;
    assert.equal(await vat('Faktura dla Foto Kowal, NIP 778-123-45-67, sesja zdjęciowa 800 zł'), '778-123-45-67');
    assert.equal(await vat('Faktura dla Foto Kowal, NIP: 7781234567, sesja zdjęciowa 800 zł'), '7781234567');
    assert.equal(await vat('Faktura till Alm Design AB (momsreg.nr SE559012345601): 4 timmar à 900 SEK'), 'SE559012345601');
    assert.equal(await vat('invoice Moms Kitchen 2 days at 300 EUR, order ref 778-123-45-67'), null);
  });

  test('"make an invoice for X" in other languages ("een factuur maken voor", "hacer una factura para") names the customer after it', async () => {
    const customer = async (text: string) => (await readInvoiceRequest(text)).customer?.value ?? null;
    assert.equal(await customer('Kun je een factuur maken voor Houtzagerij Bakker B.V.? 6 uur à € 70'), 'Houtzagerij Bakker B.V.');
    assert.equal(await customer('Kunt u een factuur sturen aan Bloemenhuis Jansen: 3 uur à € 50'), 'Bloemenhuis Jansen');
    assert.equal(await customer('Puedes hacer una factura para Talleres Ruiz S.L.? 2 días a 400 €'), 'Talleres Ruiz S.L.');
    // What follows in lower case, with an article, is no name: asked.
    assert.equal(await customer('kun je een factuur maken voor de maand maart, 3 uur à 50 €'), null);
  });
});


describe('round 9: who the invoice is for, in the words new users write', () => {
  const read = async (text: string) => {
    const reading = await readInvoiceRequest(text);
    return { customer: reading.customer?.value ?? null, asks: fieldsToAsk(text, reading), intent: reading.intent };
  };

  test('an imperative asking for an invoice in Spanish, Danish, Czech or Dutch names the customer after its preposition', async () => {
    for (const [text, customer] of [
      ['Hazme una factura para Reformas Olmedo S.L.: 3 días a 300 €', 'Reformas Olmedo S.L.'],
      ['Send en faktura til Bager Lund ApS: 4 timer à 500 DKK', 'Bager Lund ApS'],
      ['Vystav prosím fakturu pro Dvořák Media s.r.o.: 5 hodin po 900 Kč', 'Dvořák Media s.r.o.'],
      ['Factuur naar Smit Installaties B.V.: 6 uur à € 65', 'Smit Installaties B.V.'],
    ] as const) {
      const got = await read(text);
      assert.equal(got.customer, customer, text);
      assert.deepEqual(got.asks, [], text);
    }
  });

  test('a typo that drops the last letter ("invoic for") still asks for an invoice', async () => {
    assert.equal((await read('invoic for Harbour Kites - 2 banners @ 90 GBP')).customer, 'Harbour Kites');
  });

  test('a polite word after the name ("Rechnung an X bitte:") is no part of it', async () => {
    assert.equal((await read('Rechnung an Ostwind Druck GmbH bitte: 2 Tage à 640 €')).customer, 'Ostwind Druck GmbH');
  });

  test('"and" of the name\'s own language ("Nowak i Syn", "Berg og Datter") leaves the name sure', async () => {
    assert.deepEqual((await read('Faktura dla Nowak i Syn Sp. z o.o.: 3 dni po 700 zł')).asks, []);
    assert.deepEqual((await read('faktura til Berg og Datter AS: 5 timer à 800 NOK')).asks, []);
  });

  test('a word of the request before a capitalised name ("Invoice towards X") makes the name asked, never used', async () => {
    const got = await read('Invoice towards Baxter Joinery Ltd: 2 days at 350 GBP');
    assert.ok(got.customer === null || got.asks.includes('customer'), JSON.stringify(got));
  });

  test('"bill it to X" names X; "need an invoice for the job" asks who it is for', async () => {
    assert.equal((await read('Can you draw up the invoice for the shelving? 2 days at 280 EUR. Bill it to Cedar Row Cafe.')).customer, 'Cedar Row Cafe');
    const unnamed = await read('need an invoice for the kitchen shoot, 650 EUR, will say who later');
    assert.equal(unnamed.intent, 'invoice');
    assert.deepEqual(unnamed.asks, ['customer']);
  });

  test('"Quarterly maintenance invoice for X" names X; "the invoice for X" or "last invoice for X" asks for nothing', async () => {
    const named = await read('Quarterly maintenance invoice for Brookside Dental, Q4: 900 EUR flat');
    assert.equal(named.customer, 'Brookside Dental');
    assert.equal(named.intent, 'invoice');
    assert.equal((await read('Quick one. The invoice for Brookside Dental, was it 900 EUR?')).intent, 'other');
    assert.equal((await read('Did the last invoice for Brookside Dental go out?')).intent, 'other');
  });

  test('"address" with a street number right after it is the billing address, no colon needed', async () => {
    const reading = await readInvoiceRequest('invoice Wren Bakery 2 days at 300 EUR, address 22 Quay Street, Galway H91 X2F3');
    assert.equal(reading.address?.value, '22 Quay Street, Galway H91 X2F3');
  });

  test('"invoice this one" above a pasted message takes the customer the message names; a dash starts a clause', async () => {
    const forwarded = 'pls invoice this one\n\n---------- Forwarded message ---------\nFrom: Ada Quinn <ada@quinnfoods.example>\nDate: Tue, 1 Dec 2026 at 10:00\nSubject: hours\nTo: <me@studio.example>\n\nHi,\n\nplease invoice Quinn Foods Ltd for 4 hours at £60.\n\nAda\n';
    assert.equal((await read(forwarded)).customer, 'Quinn Foods Ltd');
    assert.equal((await read('Looks good - please invoice Alder Lane Bakery for 3 cakes at 45 EUR each')).customer, 'Alder Lane Bakery');
  });
});

describe('round 9: lines from forms and counts of things that last', () => {
  test('a form\'s one rate on a line of its own prices its one count; "Due: 14 days" is a term, not a line', async () => {
    const text = 'Bill to: Marram Surf School\nItems: Wetsuit photos x 6\nRate: 55\nCurrency: EUR\nDue: 14 days';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null]), [[6, 55]]);
    assert.ok(!fieldsToAsk(text, read).includes('lines'));
  });

  test('a form\'s payment term label ("Payment terms: 30 days") counts no work', async () => {
    assert.deepEqual(await priced('invoice Larch Studio 2 days at 450 EUR\nPayment terms: 30 days'), [[2, 'day', 450]]);
  });

  test('"3 workshops of 2h30 at 60 EUR/hour" bills the hours of all of them, shown before it goes out', async () => {
    const text = 'invoice Fenwick Yoga for 3 workshops of 2h30 at 60 EUR/hour';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null]), [[7.5, 60]]);
    assert.ok(!linesGroundedSurely(text, read));
    // "2 days of design": no second count, nothing multiplied.
    assert.deepEqual(await priced('invoice Fenwick Yoga for 2 days of design at 400 EUR'), [[2, 'day', 400]]);
  });
});

describe('round 9: billing forms and small words', () => {
  test('a form naming the client with a field only a bill has ("Rate:", "Amount:", "Billing address:") is an invoice request', async () => {
    const timesheet = 'Client: Heron Lane Vets\nRate: €70/h\n\nThu 3 Dec\t2h\tnewsletter\nFri 4 Dec\t1.5h\tnewsletter\n';
    const read = await readInvoiceRequest(timesheet);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Heron Lane Vets');
    // A quote form is no invoice, whatever its fields.
    assert.equal((await readInvoiceRequest('Client: Heron Lane Vets\nRate: €70/h\nQuote for the spring campaign: 10 hours\n')).intent, 'other');
  });

  test('a form\'s lone "Amount:" with no count bills one of what its "Service:" field describes', async () => {
    const text = 'Client name: Orchard Row Dental\nService: December social media retainer\nAmount: 640.00\nCurrency: GBP\n';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.description.value, l.quantity.value, l.unitPrice?.value.min ?? null]), [['December social media retainer', 1, 640]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('"Company / Organisation:" names the customer of a billing form', async () => {
    const text = 'Company / Organisation: Brightfield Tiles Ltd\nBilling address: 4 Kiln Road, Stoke ST4 2AB\nWork delivered: 3 tile renders @ £150';
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, 'Brightfield Tiles Ltd');
    assert.equal(read.intent, 'invoice');
  });

  test('"yo invoice X", a currency code on its own at the end ("... 90. eur"), "do" inside a Portuguese name', async () => {
    const slang = 'yo invoice Copper Kettle Cafe 2 menu designs @ 90. eur';
    const read = await readInvoiceRequest(slang);
    assert.equal(read.customer?.value, 'Copper Kettle Cafe');
    assert.equal(read.currency?.value, 'EUR');
    const portuguese = 'Fatura para Casa do Monte, Lda.: 2 dias a 300 €';
    assert.deepEqual(fieldsToAsk(portuguese, await readInvoiceRequest(portuguese)), []);
  });
});

describe('round 9: a request that corrects itself', () => {
  test('a correction opened with "no sorry" or "sorry, no" is shown for approval', async () => {
    for (const text of ['invoice Tidewater Kayaks 6 hours at $55 — no sorry, $60, they got the new rate', 'bill Alder Court Ltd 4 days, sorry no, 5 days at 300 GBP']) {
      assert.equal(linesGroundedSurely(text, await readInvoiceRequest(text)), false, text);
    }
  });
  test('a count said right after a correction replaces the count in its unit; the lines are still shown before they go out', async () => {
    for (const [text, expected] of [
      ['invoice Saltbox Studio 4 days at 550 EUR. no wait, it was 5 days', [[5, 'day', 550]]],
      ['bill Orrin Legal 6 hours at 120 GBP/h — sorry, 7 hours', [[7, 'hour', 120]]],
      ['invoice Kite & Co 2 days at 400 EUR... actually make it 3 days', [[3, 'day', 400]]],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min ?? null]), expected, text);
      assert.ok(!fieldsToAsk(text, read).includes('lines'), text);
      assert.ok(!linesGroundedSurely(text, read), text);
    }
  });

  test('a price said right after a correction replaces the price before it, in its currency', async () => {
    const text = 'Invoice Harrow Print for 20 pages at 30 EUR/page — no wait, we said 28 per page. Plus binding 40 EUR.';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null, l.unitPrice?.value.currency ?? null]), [[20, 28, 'EUR'], [1, 40, 'EUR']]);
    assert.ok(!linesGroundedSurely(text, read));
  });

  test('a correction followed by another sentence changes nothing it cannot place', async () => {
    const text = 'Invoice Fennel Bakery: 3 cakes at £40 - sorry, 4 cakes, they ordered one more. Plus £15 for delivery.';
    const read = await readInvoiceRequest(text);
    assert.ok(read.lines.some((l) => l.unitPrice?.value.min === 15), 'the delivery keeps its own price');
    assert.ok(!linesGroundedSurely(text, read));
  });
});

test('a rate named before its amount ("day rate 900 EUR", "Stundensatz 85 €") prices the days or hours counted apart from it', async () => {
  assert.deepEqual(await priced('invoice Moorhen Labs 3 days, day rate 900 EUR as agreed'), [[3, 'day', 900]]);
  assert.deepEqual(await priced('Rechnung an Lerche GmbH: 6 Stunden, Stundensatz 85 €'), [[6, 'hour', 85]]);
});

test('a street and a postcode with its town right after the customer\'s name are the billing address', async () => {
  const text = 'Please invoice Marchetti Design Srl, Via Roma 14, 20121 Milano. 3 days at 500 EUR.';
  const read = await readInvoiceRequest(text);
  assert.equal(read.address?.value, 'Via Roma 14, 20121 Milano');
  assert.ok(holds(text, read.address));
  // A line item after the comma is no address.
  assert.equal((await readInvoiceRequest('invoice Marchetti Design Srl, 3 days at 500 EUR')).address, null);
});

test('"GST (10%)" is the tax rate; a "Billing address:" line counts when the signature\'s organisation gives none', async () => {
  const text = 'From: Ana Lee <ana@harbourlight.example>\nTo: sam@studio.example\nSubject: invoice\n\nHi Sam,\n\nCan you please invoice us for the logo (AUD 900)? Please include GST (10%).\n\nBilling address: 12 Pier Road, Cairns QLD 4870\n\nAna\nHarbourlight Tours Pty Ltd\n(07) 5550 9876\n';
  const read = await readInvoiceRequest(text);
  assert.equal(read.taxRatePercent?.value, 10);
  assert.equal(read.address?.value, '12 Pier Road, Cairns QLD 4870');
});

test('a client\'s own e-mail signed with its organisation and no legal form names the customer its domain spells; one that names two is still asked', async () => {
  const signed = 'From: Ivy Holt <ivy@bramble-bakehouse.example>\nTo: Sam <sam@studio.example>\nSubject: invoice\n\nHi Sam,\n\nCould you send over the invoice for the menu design, 450 EUR as agreed?\n\nThanks,\nIvy\nBramble Bakehouse\n';
  const read = await readInvoiceRequest(signed);
  assert.equal(read.customer?.value, 'Bramble Bakehouse');
  assert.ok(!fieldsToAsk(signed, read).includes('customer'));
  const two = 'From: Ivy Holt <ivy@bramble-bakehouse.example>\nTo: Sam <sam@studio.example>\nSubject: invoice\n\nHi Sam,\n\nplease invoice the 2 days (€400/day) - either to Bramble Bakehouse Ltd or to Bramble Holdings plc.\n\nIvy\n';
  assert.ok(fieldsToAsk(two, await readInvoiceRequest(two)).includes('customer'));
});

test('a thing to bill joined to a priced line, its bare amount last ("+ setup fee 90"), is a line at that amount, shown first', async () => {
  const text = 'invoice Ember Candles 4 product shots @ 60 EUR + setup fee 90';
  const read = await readInvoiceRequest(text);
  assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null]), [[4, 60], [1, 90]]);
  assert.ok(!linesGroundedSurely(text, read));
  // A count after the join is no price: "and 2 nights" adds no line at 2.
  assert.deepEqual(await priced('bill Osprey Works 3 days at 520 EUR and 2 nights'), [[3, 'day', 520]]);
});

test('"Attached invoice for X" or "Please find attached the invoice for X" is an invoice received, not a request', async () => {
  assert.equal((await readInvoiceRequest('Attached invoice for Brookside Dental, October services: 900 EUR')).intent, 'other');
  assert.equal((await readInvoiceRequest('Please find attached the invoice for Brookside Dental: 900 EUR')).intent, 'other');
});

describe('round 10: an amount the writer has not settled', () => {
  const text = 'please invoice Larkspur Dental for the October newsletter, €850. the extra banner too, no idea what it should cost, perhaps 150?';

  test('a second piece of work priced only with doubt is asked, not left off the invoice', async () => {
    const reading = await readInvoiceRequest(text);
    assert.ok(fieldsToAsk(text, reading).includes('lines'));
  });

  test('a model that bills only the settled line is asked about the lines too', async () => {
    const rules = await readInvoiceRequest(text);
    const model = groundModelAnswer(text, { customer: 'Larkspur Dental', lines: [{ description: 'October newsletter', quantity: 1, unit: 'item', unitPrice: 850 }], currency: 'EUR', taxRatePercent: null }, rules);
    assert.ok(fieldsToAsk(text, model).includes('lines'));
  });

  test('doubt about something that is no amount ("not sure about the colours") asks nothing', async () => {
    const settled = 'please invoice Larkspur Dental for the October newsletter, €850. not sure about the 2 colours yet for next time.';
    assert.deepEqual(fieldsToAsk(settled, await readInvoiceRequest(settled)), []);
  });
});

describe('round 10: hours and minutes written short', () => {
  const text = 'invoice Ashgrove Dental for the booking widget fixes:\nmon 1h 30m\nwed 2h40m\nfri 1h 5min\nall at €90/h';

  test('"1h 30m" and "2h40m" bill their minutes too (no "30m" read as 30 million)', async () => {
    assert.deepEqual((await priced(text)).map(([quantity]) => Number(quantity).toFixed(4)), ['1.5000', (2 + 40 / 60).toFixed(4), (1 + 5 / 60).toFixed(4)]);
  });

  test('the minutes are no description: each line is named by its day', async () => {
    assert.deepEqual((await readInvoiceRequest(text)).lines.map((l) => l.description.value), ['mon', 'wed', 'fri']);
  });
});

describe('round 10: a count the writer gives two ways', () => {
  test('"9 or 10 hours" and "something like 12 hours" are asked, not billed', async () => {
    for (const text of ['bill Fernhill Books for the proofreading, 9 or 10 hours at £40', 'bill Fernhill Books for the proofreading, something like 12 hours at £40']) {
      assert.ok(fieldsToAsk(text, await readInvoiceRequest(text)).includes('lines'), text);
    }
  });
});

describe('round 11: what new requests write', () => {
  test('a bare count after a correction that names what a priced line counts ("wait no, 15 mugs") is that line\'s count, still shown', async () => {
    const text = 'invoice Tidewater Ceramics: 12 glazed mugs at 18 GBP each\nno wait, 15 mugs, they found three more';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null]), [[15, 18]]);
    assert.ok(!linesGroundedSurely(text, read));
  });

  test('Dutch and German ask with the verb last ("kun je X factureren?", "X in Rechnung stellen"): the name before it is the customer', async () => {
    for (const [text, customer] of [
      ['kun je Drukkerij De Vos factureren? 3 uur drukwerkadvies à €70', 'Drukkerij De Vos'],
      ['Kannst du Weber & Sohn GmbH in Rechnung stellen? 2 Tage à 600 €', 'Weber & Sohn GmbH'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.customer?.value, customer, text);
      assert.deepEqual(fieldsToAsk(text, read), [], text);
    }
  });

  test('Brazilian Portuguese "emitir nota pra X" and an invoice verb without its article name the customer after them', async () => {
    for (const [text, customer] of [
      ['emitir nota pra Café Serra Azul Ltda: 2 cardápios a R$ 350,00 cada', 'Café Serra Azul Ltda'],
      ['emitir fatura para Livraria Ponte Velha: 1 logo R$ 900,00', 'Livraria Ponte Velha'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.customer?.value, customer, text);
      assert.ok(!fieldsToAsk(text, read).includes('customer'), text);
    }
  });

  test('the stop of a unit\'s abbreviation ("Std.", "Min.") ends no clause, even before a capital: the count stays with its price', async () => {
    assert.deepEqual(await priced('Rechnung an Kanzlei Brandt: 2 Std. 30 Min. Datenschutzberatung à 120 €'), [[2.5, 'hour', 120]]);
    assert.deepEqual(await priced('faktura för Lindgren AB: 40 Stk. Affischer à 15 SEK'), [[40, 'item', 15]]);
  });

  test('a line of fields set apart by spaced dashes ("Banner — 2 — NZD 180") is a description, a count and a price, not a range', async () => {
    const text = 'Invoice request\nClient: Kauri Bay Surf Club\nLine 1: Event photography — 3 hours — NZD 150\nLine 2: Printed banner – 2 – NZD 180';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unit, l.unitPrice?.value.min ?? null]), [[3, 'hour', 150], [2, 'item', 180]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
  });

  test('doubt that names who it is about ("not sure which company pays", "unsure who to bill") asks the customer, not the amount beside it', async () => {
    for (const text of [
      'invoice Kestrel Events or Kestrel Group for 2 days at 700 EUR, not sure which company pays this one',
      'bill the Harlow job, 900 GBP flat, unsure who to address it to: Harlow Foods or Harlow Retail Ltd',
    ]) {
      assert.deepEqual(fieldsToAsk(text, await readInvoiceRequest(text)), ['customer'], text);
    }
    const doubted = 'invoice Kestrel Events 2 days at 700 EUR, not sure of the day rate';
    assert.ok(fieldsToAsk(doubted, await readInvoiceRequest(doubted)).includes('lines'));
  });

  test('a table\'s row ("Line 2: Voice-over | 2 | 300.00") is a description, a count and a price in the form\'s currency; a row with its price left empty is asked', async () => {
    const text = 'Invoice request\nBill to: Tallowood Media Pty Ltd\nLine 1: Storyboard | 1 | 650.00\nLine 2: Voice-over | 2 | 300.00\nCurrency: AUD';
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min ?? null]), [[1, 650], [2, 300]]);
    assert.deepEqual(fieldsToAsk(text, read), []);
    const empty = 'Invoice request\nBill to: Tallowood Media Pty Ltd\nLine 1: Storyboard | 1 | 650.00\nLine 2: Voice-over | Qty: 2 | Price:\nCurrency: AUD';
    assert.ok(fieldsToAsk(empty, await readInvoiceRequest(empty)).includes('lines'));
  });

  test('tax IDs under the labels of Switzerland, Czechia and Denmark ("MWST-Nr. CHE-...", "DIČ", "CVR-nr.") are the VAT ID', async () => {
    for (const [text, vatId] of [
      ['Rechnung an Bergquell Getränke AG, MWST-Nr. CHE-482.105.933 MWST: 1 Tag Beratung à CHF 1200', 'CHE-482.105.933'],
      ['Faktura pro Sklárna Lipno s.r.o., DIČ CZ61829304 – 3 hodiny à 900 Kč', 'CZ61829304'],
      ['faktura til Fjordkaffe ApS (CVR-nr. DK29461835) – 4 timer à 700 DKK', 'DK29461835'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.vatId?.value, vatId, text);
      assert.ok(holds(text, read.vatId), text);
    }
  });

  test('a German doctor\'s title with its field ("Dr. med.", "Dr. med. dent.") is inside the customer\'s name, stops and all', async () => {
    for (const [text, customer] of [
      ['Rechnung an Zahnarztpraxis Dr. med. dent. Jonas Feld: 1 Logo à 450 €', 'Zahnarztpraxis Dr. med. dent. Jonas Feld'],
      ['Rechnung an Tierarztpraxis Dr. med. vet. Ute Rahn: 2 Std. Fotografie à 90 €', 'Tierarztpraxis Dr. med. vet. Ute Rahn'],
    ] as const) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.customer?.value, customer, text);
      assert.ok(!fieldsToAsk(text, read).includes('customer'), text);
    }
  });

  test('a form\'s machine-named address field ("billing_address: ...") is the billing address', async () => {
    const text = 'client_name: Larchfield Dental\nitem_1: Brochure design\nitem_1_qty: 1\nitem_1_price: 600.00\ncurrency: CAD\nbilling_address: 27 Birch Lane, Kingston, ON K7L 3N6';
    const read = await readInvoiceRequest(text);
    assert.equal(read.address?.value, '27 Birch Lane, Kingston, ON K7L 3N6');
    assert.ok(holds(text, read.address));
  });

  test('the block of lines under an address label alone on its line ("Address is:"), the customer\'s name left out, is the billing address', async () => {
    const text = 'From: Rhian Hale <rhian@hollinfarm.example>\nTo: Jon <jon@studio.example>\nSubject: invoice\n\nHi Jon,\n\nCould you invoice us for the 2 signs, £120 each?\n\nAddress is:\nHollin Farm Ltd\nMill Lane\nAshby\nLE65 1AB\n\nThanks,\nRhian\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.address?.value, 'Mill Lane, Ashby, LE65 1AB');
    assert.ok(holds(text, read.address));
  });

  test('a street and town after the customer\'s name anywhere in a client\'s e-mail ("die Rechnung an X GmbH, street, town") are the address', async () => {
    const text = 'From: Lea Roth <lea@rothbau.example>\nTo: Kai <kai@studio.example>\nSubject: Rechnung\n\nHallo Kai,\n\nbitte stellen Sie die Rechnung an Roth Bau GmbH, Lindenweg 7, 79098 Freiburg. Es sind 3 Tage à 800 €.\n\nGrüße\nLea Roth\nRoth Bau GmbH\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.address?.value, 'Lindenweg 7, 79098 Freiburg');
    assert.ok(holds(text, read.address));
  });

  test('a client writing about an invoice they say they have received, with nothing priced to bill, asks for no invoice', async () => {
    for (const body of [
      'Hi,\n\nwe received your invoice 2026-031 but the 14 hours look high. Could you send the breakdown?\n\nThanks,\nMara\nBrisk Foods Ltd\n',
      'Bonjour,\n\nnous avons bien reçu la facture 118, mais il manque notre numéro de commande. Pouvez-vous la corriger ?\n\nCordialement,\nLuc\n',
    ]) {
      const text = `From: Client <client@brisk.example>\nTo: me@studio.example\nSubject: invoice question\n\n${body}`;
      assert.equal((await readInvoiceRequest(text)).intent, 'other', body);
    }
    const asks = 'From: Client <client@brisk.example>\nTo: me@studio.example\nSubject: invoice\n\nHi,\n\nwe received the goods, please invoice us for the 2 days at 500 EUR.\n\nMara\nBrisk Foods Ltd\n';
    assert.equal((await readInvoiceRequest(asks)).intent, 'invoice');
  });

  test('a reply that opens with its yes ("Yes please go ahead and invoice ...", "sure, invoice ...") asks for an invoice', async () => {
    for (const text of ['Yes please go ahead and invoice Fernhill Books for the 3 days at £400 a day.', 'sure, invoice Fernhill Books 3 days at £400']) {
      const read = await readInvoiceRequest(text);
      assert.equal(read.intent, 'invoice', text);
      assert.equal(read.customer?.value, 'Fernhill Books', text);
    }
  });

  test('a German client asking to be sent the invoice ("Könnten Sie uns die Rechnung schicken?") asks for one, billed to the organisation it signs with', async () => {
    const text = 'From: Eva Kohl <eva@kohl-druck.example>\nTo: info@studio.example\nSubject: Workshop\n\nHallo,\n\nkönnten Sie uns bitte die Rechnung schicken? 2 Tage à 900 €.\n\nViele Grüße\nEva Kohl\nKohl Druck GmbH\n';
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice');
    assert.equal(read.customer?.value, 'Kohl Druck GmbH');
  });
});

test('a request that wonders whether someone else should be billed instead ("or should it go to their holding?") asks who the customer is', async () => {
  for (const text of [
    'invoice Marlow Bakery for 3 hours of menu design at 60 GBP/h, or should it go to their owners, Fenwick Foods? not sure',
    'Please invoice Quarry Lane Studio 2 days at €500/day. Or do we bill the agency that hired us?',
    'Rechnung an Holm Bau GmbH: 2 Tage à 700 €, oder lieber an Holm Holding AG?',
  ]) {
    const read = await readInvoiceRequest(text);
    assert.ok(fieldsToAsk(text, read).includes('customer'), text);
  }
  // An "or" between two prices or items leaves the customer settled.
  const settled = 'invoice Marlow Bakery for 3 hours of menu design at 60 GBP/h or a flat 150 GBP if simpler';
  assert.ok(!(await readInvoiceRequest(settled)).problems.some((p) => p.field === 'customer'));
});

test('a request that wonders whether the bill is for another party ("or is it for X?") asks who the customer is', async () => {
  for (const text of [
    'fatura para Loja Azul, 4 horas de design a R$ 120,00, ou é pra Azul Comércio Ltda? não lembro',
    'factura a Taller Norte, 3 días a 400 €... ¿o es para Grupo Norte S.A.? confírmame',
    'invoice Pine Hollow Cafe 5 hours at $50, or is it for Pine Hollow Holdings? check',
  ]) {
    const read = await readInvoiceRequest(text);
    assert.ok(fieldsToAsk(text, read).includes('customer'), text);
  }
});

test('a customer field that goes on with the address on its own line ("Bill to: X Ltd, 4 Mill Lane, Leeds") names the organisation up to its legal form, the rest is the address', async () => {
  const text = 'Please invoice them for 2 days at 300 GBP/day.\n\nBill to: Quayside Prints Ltd, 4 Mill Lane, Leeds LS1 4AB\n\nThanks';
  const read = await readInvoiceRequest(text);
  assert.equal(read.customer?.value, 'Quayside Prints Ltd');
  assert.equal(read.address?.value, '4 Mill Lane, Leeds LS1 4AB');
  // "Globex, Inc." style names keep what follows their comma when no number does.
  const named = await readInvoiceRequest('Please invoice 2 days at 300 GBP/day.\n\nBill to: Harbour Tools Ltd, Marine Division\n');
  assert.equal(named.customer?.value, 'Harbour Tools Ltd, Marine Division');
});

test('loose ways to ask for an invoice name the customer after them: "do an invoce for", "Rechnung bitte an", Danish "lav en faktura til", Norwegian "lag en faktura til"', async () => {
  for (const [text, customer] of [
    ['could you do an invoce for Harbour Kites - 4 lessons at $40 each', 'Harbour Kites'],
    ['Rechnung bitte an Malerei Roth GmbH: 6 Std. à 70 €', 'Malerei Roth GmbH'],
    ['Lav en faktura til Bryggens Bageri ApS: 5 timer à 600 DKK', 'Bryggens Bageri ApS'],
    ['Lag en faktura til Fjord Sykkel AS: 3 timer à 700 NOK', 'Fjord Sykkel AS'],
  ] as const) {
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice', text);
    assert.equal(read.customer?.value, customer, text);
  }
});

test('a Turkish joint-stock company\'s form ("A.Ş.") ends the customer\'s name with its own stop', async () => {
  const read = await readInvoiceRequest('Fatura: Boğaziçi Lojistik A.Ş. için 4 saat eğitim, saat ücreti 900 TRY');
  assert.equal(read.customer?.value, 'Boğaziçi Lojistik A.Ş.');
});

test('a billing line that opens with "in the name of" ("A nombre de X S.L.", "Au nom de X SAS") names the customer without those words', async () => {
  for (const [opening, customer] of [
    ['A nombre de Talleres Ortiz S.L.', 'Talleres Ortiz S.L.'],
    ['Au nom de Menuiserie Blanc SAS', 'Menuiserie Blanc SAS'],
  ] as const) {
    const text = `From: Ana Ortiz <ana@cliente.example>\nTo: info@studio.example\nSubject: factura\n\nHola,\n\n¿nos puedes mandar la factura de las 2 visitas? Eran 80 € cada una.\n\n${opening}\nCalle Real 3, 28001 Madrid\n\nSaludos,\nAna\n`;
    const read = await readInvoiceRequest(text);
    assert.equal(read.customer?.value, customer, opening);
  }
});

test('a word for the party followed by its name after a comma ("invoice the agency, Kestrel Studio Ltd") bills that name; the word alone is still asked', async () => {
  const read = await readInvoiceRequest('invoice the agency, Kestrel Studio Ltd (not the end client) - 3 days at £300/day');
  assert.equal(read.customer?.value, 'Kestrel Studio Ltd');
  const unnamed = 'invoice the client, 3 days at £300/day';
  assert.ok(fieldsToAsk(unnamed, await readInvoiceRequest(unnamed)).includes('customer'));
});

test('a form\'s count and unit-price fields bill count x price, with the price\'s currency beside it and the labels in other languages ("Menge:", "Einzelpreis:", "Quantité :")', async () => {
  for (const [text, quantity, price] of [
    ['Customer: Hale Design Ltd\nHours: 25\nRate: 18.00 EUR', 25, 18],
    ['Kunde: Hale Design GmbH\nMenge: 25\nEinzelpreis: 18,00 €', 25, 18],
    ['Client : Atelier Roux SAS\nQuantité : 12\nPrix unitaire : 40 €', 12, 40],
  ] as const) {
    const read = await readInvoiceRequest(text);
    assert.deepEqual(read.lines.map((l) => [l.quantity.value, l.unitPrice?.value.min]), [[quantity, price]], text);
  }
});

test('a customer form with a unit-price field ("Einzelpreis:", "Unit price:") is a billing form, even without the word "invoice"', async () => {
  for (const text of ['Kunde: Hale Design GmbH\nLeistung: Produktfotos\nMenge: 25\nEinzelpreis: 18,00 €', 'Customer: Hale Design Ltd\nWork: product photos\nQuantity: 25\nUnit price: 18.00 EUR']) {
    const read = await readInvoiceRequest(text);
    assert.equal(read.intent, 'invoice', text);
  }
});

test('a Mexican legal form that runs past its first stop ("S.A. de C.V.", "S. de R.L. de C.V.") stays whole in the customer', async () => {
  for (const [text, name] of [
    ['factura para Ferretería Roble S.A. de C.V., 4 horas a 500 MXN', 'Ferretería Roble S.A. de C.V.'],
    ['factura para Tortillería El Sol S. de R.L. de C.V., 3 cajas a 200 MXN', 'Tortillería El Sol S. de R.L. de C.V.'],
  ] as const) {
    assert.equal((await readInvoiceRequest(text)).customer?.value, name, text);
  }
});

test('an item whose price the writer will only get later ("price I\'ll get from the printer", "Preis folgt", "price to follow") asks the lines, not billed without it', async () => {
  for (const text of [
    'Invoice Larchmont Choir, 3 posters design at 90 and printing. the printing price I\'ll get from the printer on friday. EUR',
    'Rechnung an Kranich Verlag GmbH: 2 Tage Lektorat zu 600 €, Druckkosten – Preis folgt nächste Woche.',
    'invoice Hale Design Ltd for 4 hours editing at £70, plus the studio hire, price to follow',
  ]) {
    const read = await readInvoiceRequest(text);
    assert.ok(fieldsToAsk(text, read).includes('lines'), text);
  }
  // A price that was given ("the printer's price came in at 120") is billed as read.
  const priced = 'Invoice Larchmont Choir, 3 posters design at 90 EUR. Thanks!';
  assert.ok(!fieldsToAsk(priced, await readInvoiceRequest(priced)).includes('lines'));
});
