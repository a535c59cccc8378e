// Who a note names, read from its text alone: a company named by one word only where the text
// gives it a company's role, never a heading label, a date, a first name or a sentence's first
// word; and the domains a note or a question holds, in addresses or on their own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { domainFits, domainsIn } from '../src/memory/domains.ts';
import { aliasesFor, namedEntities } from '../src/memory/entities.ts';
import { oneWordCompanies } from '../src/memory/one-word-companies.ts';

describe('one-word company names', () => {
  const companies = [
    ['a note headed by the name', 'Hooli: day rate 850 EUR from March.', 'Hooli'],
    ['a line of a note headed by the name', 'Rates for 2026\nZurbaran: 700 EUR per day', 'Zurbaran'],
    ["the name owning invoices, even first in a sentence", "Hooli's invoices go to the Berlin office.", 'Hooli'],
    ['the name owning a day rate', "We agreed that Pied's day rate stays at 900 EUR.", 'Pied'],
    ['the name after "client"', 'We onboarded client Hooli last week.', 'Hooli'],
    ['the name after "for"', 'Sent the invoice for Hooli yesterday.', 'Hooli'],
    ['the name after "at"', 'Nils Berg at Brightwave leads the migration.', 'Brightwave'],
    ['a name in camel case', 'KLog: terms net 30.', 'KLog'],
  ] as const;
  for (const [what, text, name] of companies) {
    test(`reads ${what}`, () => assert.deepEqual(oneWordCompanies(text), [name]));
  }

  const none = [
    ['a "Note:" heading', 'Note: the rate is 900 EUR.'],
    ['an "Update:" heading', 'Update: invoices go out on Friday.'],
    ['a "Reminder:" heading', 'Reminder: VAT is due.'],
    ['a weekday heading', 'Monday: call about the rate.'],
    ['a month after "for"', 'Sent the invoice for March.'],
    ["a first name's invoices", "Anna's invoices are late."],
    ['a first name heading a note', 'Harriet: moved to 14 days.'],
    ['a city after "at"', 'We met at Stuttgart.'],
    ['a person named in full after "for"', 'Invoiced for Jake Morrison.'],
    ['a capitalised word that only starts a sentence', 'Hooli pays net 30. Brightwave too.'],
    ['an acronym heading', 'FYI: the rate changed.'],
    ['a street after "at"', 'Bill them at Überseeallee 8, 20457 Hamburg.'],
  ] as const;
  for (const [what, text] of none) {
    test(`reads no company from ${what}`, () => assert.deepEqual(oneWordCompanies(text), []));
  }

  test('a one-word company is an organisation the note names, and a longer name in the note wins', () => {
    assert.deepEqual(
      namedEntities('Hooli: day rate 850 EUR.').map((entity) => [entity.kind, entity.name]),
      [['organisation', 'Hooli']],
    );
    assert.deepEqual(
      namedEntities("Hooli Labs Inc. signed; Hooli's invoices go to Berlin.").map((entity) => entity.name),
      ['Hooli Labs Inc'],
    );
  });
});

describe('aliases', () => {
  test('a company named by its kind of business first also goes by the name after it', () => {
    assert.deepEqual(aliasesFor('organisation', 'Weingut Rebenhof GmbH').map((alias) => alias.alias), ['weingut rebenhof gmbh', 'weingut rebenhof', 'rebenhof', 'weingut']);
    assert.deepEqual(aliasesFor('organisation', 'Maison Lefèvre-Roux SAS').map((alias) => alias.alias), ['maison lefevre roux sas', 'maison lefevre roux', 'lefevre roux', 'maison']);
    assert.deepEqual(aliasesFor('organisation', 'Rebenhof Analytics GmbH').map((alias) => alias.alias), ['rebenhof analytics gmbh', 'rebenhof analytics', 'rebenhof']);
  });

  test('the words for a kind of business in Polish, Dutch, French and Spanish open a name too', () => {
    for (const [name, after] of [
      ['Drukarnia Nowak', 'nowak'],
      ['Chocolaterie Claes BV', 'claes'],
      ['Fromagerie Besson SARL', 'besson'],
      ['Mezcalera El Tigre', 'el tigre'],
    ] as const) {
      assert.ok(aliasesFor('organisation', name).some((alias) => alias.alias === after), name);
    }
  });

  test('two names joined by "&" also go by their initials', () => {
    assert.deepEqual(aliasesFor('organisation', 'Marlowe & Finch LLP'), [
      { alias: 'marlowe finch llp', kind: 'name' },
      { alias: 'marlowe finch', kind: 'name' },
      { alias: 'marlowe', kind: 'short' },
      { alias: 'm f', kind: 'short' },
    ]);
    assert.ok(!aliasesFor('organisation', 'Lumen Analytics Ltd').some((alias) => alias.alias.length < 4));
  });

  test('two names joined, then what the company does, also go by the joined names', () => {
    assert.deepEqual(aliasesFor('organisation', 'Casa y Campo Hoteles S.L.').map((alias) => alias.alias), ['casa y campo hoteles s l', 'casa y campo hoteles', 'casa', 'casa y campo']);
    assert.deepEqual(aliasesFor('organisation', 'Brandt & Vogel Haustechnik GmbH').map((alias) => alias.alias), ['brandt vogel haustechnik gmbh', 'brandt vogel haustechnik', 'brandt', 'brandt vogel', 'b v']);
  });

  test('a partner name with a particle gives its initials run together ("VvdB" for "Visser & van den Berg")', () => {
    const aliases = aliasesFor('organisation', 'Visser & van den Berg').map((alias) => alias.alias);
    assert.ok(aliases.includes('vvdb'), aliases.join(', '));
  });
});

describe('legal forms', () => {
  const organisations = (text: string) => namedEntities(text).map((entity) => [entity.kind, entity.name]);

  test('a legal form written with dots is left out of the name it is known by', () => {
    for (const [name, base] of [
      ['Halberd Media B.V.', 'halberd media'],
      ['Osprey Consulting S.L.', 'osprey consulting'],
      ['Vitrum Design S.r.l.', 'vitrum design'],
      ['Wisła Transport Sp. z o.o.', 'wisla transport'],
    ] as const) {
      assert.ok(aliasesFor('organisation', name).some((alias) => alias.alias === base && alias.kind === 'name'), name);
    }
  });

  test('Japanese, Turkish, Czech and Portuguese legal forms end a company name', () => {
    assert.deepEqual(organisations('Invoiced Kanagawa Seiki K.K. for 3 days.'), [['organisation', 'Kanagawa Seiki K.K.']]);
    assert.deepEqual(organisations('Invoiced Demir Kimya A.Ş. INV-7.').map(([, name]) => name && aliasesFor('organisation', name)[1]?.alias), ['demir kimya']);
    assert.deepEqual(organisations('Invoiced Dvořák Tisk s.r.o. INV-8.').map(([kind]) => kind), ['organisation']);
    assert.deepEqual(organisations('Invoiced Casa do Vale Lda INV-9 for 900 EUR.'), [['organisation', 'Casa do Vale Lda']]);
  });

  test("Mexico's S.A. de C.V. and Poland's Sp. j. end a company name whole, and are left out of the name it is known by", () => {
    assert.deepEqual(organisations('Invoiced Tostadora Azul S.A. de C.V. INV-10.'), [['organisation', 'Tostadora Azul S.A. de C.V.']]);
    assert.ok(aliasesFor('organisation', 'Tostadora Azul S.A. de C.V.').some((alias) => alias.alias === 'tostadora azul' && alias.kind === 'name'));
    assert.ok(aliasesFor('organisation', 'Studio Nowak Sp. j.').some((alias) => alias.alias === 'studio nowak' && alias.kind === 'name'));
  });

  test('a name starting with a letter English does not write is not dropped as a leading verb', () => {
    assert.deepEqual(namedEntities('Invoiced Ølsted Bryggeri AS INV-000004 for 900 NOK.').map((entity) => entity.name), ['Ølsted Bryggeri AS']);
  });

  test('capitalised words after a postcode are the town, not an organisation', () => {
    assert.deepEqual(namedEntities('Billing address: Storgata 12, 0155 Oslo N. VAT ID: NO912345678.').filter((entity) => entity.kind === 'organisation'), []);
  });

  test('a company name with a legal form is not also read as a person', () => {
    assert.deepEqual(organisations('Invoiced Kanagawa Seiki K.K. INV-000012 for 8,200.00 USD.'), [['organisation', 'Kanagawa Seiki K.K.']]);
  });
});

describe('a note headed by a company', () => {
  const named = (text: string) => namedEntities(text).map((entity) => [entity.kind, entity.name]);

  test('a name opening a note with what or where it is in brackets is an organisation', () => {
    assert.deepEqual(named('Casa do Vale (olive oil producer): Rui Costa wants a stock report.'), [['organisation', 'Casa do Vale'], ['person', 'Rui Costa']]);
    assert.deepEqual(named('Fjord Freight (Tromsø) asked about route reporting.'), [['organisation', 'Fjord Freight']]);
  });

  test('a person heading a note, a label and a workflow line about a named company are not read as one', () => {
    assert.deepEqual(named('Rosa Vasquez (Vasquez Cafe): prefers calls.'), [['person', 'Rosa Vasquez']]);
    assert.deepEqual(named('Update (March): rates go up.'), []);
    assert.deepEqual(named('Lead Hooli Labs (Jane Doe): needs a dashboard.'), [['organisation', 'Hooli Labs'], ['person', 'Jane Doe']]);
    assert.deepEqual(named('Lead Halberd Media B.V. (Jane Doe): needs a dashboard.'), [['organisation', 'Halberd Media B.V.'], ['person', 'Jane Doe']]);
  });

  test('a full name whose brackets give a role at a company heads a note with a person, however foreign the name', () => {
    assert.deepEqual(named('Tjark Oltmanns (accounts payable at Brackwater): the office moved.'), [['organisation', 'Brackwater'], ['person', 'Tjark Oltmanns']]);
    assert.deepEqual(named("Tjark Oltmanns (Brackwater's head of finance): invoices by post."), [['person', 'Tjark Oltmanns']]);
    assert.deepEqual(named('Saltmarsh Ciders (cidery at Ledbury): a new orchard.'), [['organisation', 'Saltmarsh Ciders']], 'a company where it is, not a role');
  });
});

describe('people named in full', () => {
  const people = (text: string) => namedEntities(text).filter((entity) => entity.kind === 'person').map((entity) => entity.name);

  test('a name is capitalised words, with particles between them', () => {
    assert.deepEqual(people('Met Emma de Vries about the rollout.'), ['Emma de Vries']);
    assert.deepEqual(people('Hi, Jonas here, we need a lab scheduling tool.'), []);
  });

  test('a person named in brackets after a company is read, and a street named like a person is not', () => {
    assert.deepEqual(
      namedEntities('Halcón Estudio (Lucía Fernández) hired us. Billing: Calle de Alcalá 120, 28009 Madrid.').map((entity) => [entity.kind, entity.name]),
      [['organisation', 'Halcón Estudio'], ['person', 'Lucía Fernández']],
    );
    assert.deepEqual(people('They moved to Paseo de la Castellana 89, 28046 Madrid.'), []);
  });

  test('a month after a word of time is the date, not a first name', () => {
    assert.deepEqual(people('From June Halvorsen pays 90 EUR per hour.'), []);
    assert.deepEqual(people('Since May Tobias Lindqvist is our contact.'), ['Tobias Lindqvist']);
    assert.deepEqual(people('Met June Halvorsen at the fair.'), ['June Halvorsen']);
  });

  test("a full name alone in a company heading's brackets is a person, however foreign to the lexicon; a place of two words is not", () => {
    assert.deepEqual(people('Saltmarsh Ciders (Oisín Ní Bhraonáin): orchard planner, 600 EUR per day.'), ['Oisín Ní Bhraonáin']);
    assert.deepEqual(people('Lead Brackwater Tiles Ltd (Tjark Oltmanns): needs a quoting tool; budget 9000 EUR.'), ['Tjark Oltmanns']);
    assert.deepEqual(people('Fjordlys Ferger (Bergen, Sindre Vatnøy): timetable app.'), ['Sindre Vatnøy']);
    assert.deepEqual(people('Pemberton Deli (New York) wants an order form.'), []);
  });

  test('an instruction opening a sentence is no part of the company it names; a first name that is also a verb is', () => {
    const organisations = (text: string) => namedEntities(text).filter((entity) => entity.kind === 'organisation').map((entity) => entity.name);
    assert.deepEqual(organisations('Good news. Bill Quarnby Tiles Ltd at 3 Mill Lane, Ledbury from now on.'), ['Quarnby Tiles Ltd']);
    assert.deepEqual(organisations('Email Quarnby Tiles Ltd the signed quote.'), ['Quarnby Tiles Ltd']);
    assert.deepEqual(organisations('Grant Thornby LLP signed the audit tool.'), ['Grant Thornby LLP']);
  });

  test('a nickname in quotes between first name and surname is one more name of the person', () => {
    const [person] = namedEntities("Met Katarzyna 'Kasia' Nowicka, the CEO.").filter((entity) => entity.kind === 'person');
    assert.deepEqual([person?.name, person?.aliases.map((alias) => alias.alias)], ['Katarzyna Nowicka', ['katarzyna nowicka', 'kasia']]);
  });
});

describe('domains in a text', () => {
  test('reads the domain of an address and a bare domain, lower-cased', () => {
    assert.deepEqual(domainsIn('From Jane.Doe@Hooli-Labs.com, see heliossolar.nl and lumen.co.uk.'), ['hooli-labs.com', 'heliossolar.nl', 'lumen.co.uk']);
  });

  test('reads no free-mail domain, file name or abbreviation as a company domain', () => {
    assert.deepEqual(domainsIn('jane@gmail.com sent notes.md about node.js, e.g. Ltd. and S.A. terms'), []);
  });

  test("reads no mail provider's domain in any country (the list reading uses), and a company's under co.uk still", () => {
    assert.deepEqual(domainsIn('From ana@posteo.de, bo@yahoo.co.uk, cy@gmx.at, di@t-online.de and ed@brandtwerk.co.uk'), ['brandtwerk.co.uk']);
  });
});

describe('a domain and a name', () => {
  test("a domain spells a company's name, its start, or a name of several words after what the company makes", () => {
    assert.ok(domainFits('kessler-soehne.de', 'kessler sohne kg'));
    assert.ok(domainFits('lumenanalytics.co.uk', 'lumen analytics ltd'));
    assert.ok(domainFits('mezcallosarcos.mx', 'los arcos'));
    assert.ok(!domainFits('mezcallosarcos.mx', 'arcos'), 'one word at the end is too little');
    assert.ok(!domainFits('bigsolar.nl', 'helios solar'));
  });
});
