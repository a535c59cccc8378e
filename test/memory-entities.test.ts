// Memory that knows who and when, against a real Chroma server: the organisations and people a
// memory is about resolved to one entity however they are written (aliases, legal forms, accents,
// possessives, e-mail domains), and facts that change over time (the newest supersedes, the old one
// stays as history, two at once are a conflict); on SQLite and (with OP_TEST_POSTGRES_URL) PostgreSQL.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { LocalChroma } from '../src/memory/chroma-server.ts';
import { memoryDraft } from '../src/memory/drafts.ts';
import { attributeAsked } from '../src/memory/attribute-words.ts';
import { answeredFact, asksAboutThePast, leadContactFact, monthAsked, readFacts, sameValue } from '../src/memory/facts.ts';
import { oneEditApart } from '../src/memory/misspellings.ts';
import type { Operator } from '../src/operator.ts';
import { employerOf } from '../src/store/entities.ts';
import { peopleByFirstName } from '../src/memory/first-names.ts';
import { insertMemory } from '../src/store/memory.ts';
import { sql } from '../src/store/sql.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { drainIndex, memoryOperator, testChroma } from './support/memory.ts';

const TABLES = ['MemoryRecord', 'MemoryIndexTask', 'RecallEvent', 'MemoryMention', 'MemoryFact', 'MemoryEntityAlias', 'MemoryEntity'];

for (const provider of providers()) {
  describe(`memory entities and facts (${provider})`, () => {
    let database: TestDatabase;
    let chroma: LocalChroma;
    let operator: Operator;

    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      await database.drop();
    });
    beforeEach(async () => {
      chroma = await testChroma(database);
      operator = await memoryOperator(database, chroma);
      await operator.store.transaction(async (runner) => {
        for (const table of TABLES) await runner.execute(sql([`DELETE FROM "${table}"`]));
      });
    });
    afterEach(async () => {
      await operator.close();
      await chroma.stop();
    });

    const remember = (text: string) => operator.memory.remember({ kind: 'customer_note', text, source: 'cli', createdBy: 'cli:alice' });
    /** A memory written at a given time, the way a plan's checkpoint or an import writes one: the indexer reads its entities. */
    const rememberedAt = (at: string, text: string) =>
      operator.store.transaction((runner) => insertMemory(runner, memoryDraft({ kind: 'customer_note', text, source: 'slack', createdBy: 'slack:U1' }), new Date(at)));

    test('one entity however it is written: legal form, short name, possessive, accents and e-mail domain', async () => {
      const first = await remember('Lumen Analytics Ltd signed the dashboard contract; questions to oliver.grant@lumenanalytics.co.uk.');
      const possessive = await remember("Lumen's finance team wants the PO number on every invoice.");
      const french = await remember('Délacroix Frères SARL asked for a quote on the wine-cellar inventory tool.');
      const folded = await remember('Delacroix Freres pays by bank transfer only.');

      const lumen = await operator.memory.history('lumenanalytics.co.uk');
      assert.equal(lumen?.entity.name, 'Lumen Analytics Ltd');
      assert.ok(lumen);
      assert.deepEqual(lumen.aliases.map((alias) => `${alias.kind}:${alias.alias}`).sort(), ['domain:lumenanalytics.co.uk', 'name:lumen analytics', 'name:lumen analytics ltd', 'short:lumen']);
      assert.equal((await operator.memory.history("LUMEN'S"))?.entity.id, lumen.entity.id);
      assert.equal((await operator.memory.history('delacroix'))?.entity.name, 'Délacroix Frères SARL');

      const mentions = await operator.store.transaction((runner) =>
        runner.query(sql<{ recordId: string; entityId: string }>`SELECT "recordId", "entityId" FROM "MemoryMention"`),
      );
      const about = (id: string) => mentions.filter((mention) => mention.recordId === id).map((mention) => mention.entityId);
      assert.deepEqual(about(first.id), [lumen.entity.id]);
      assert.deepEqual(about(possessive.id), [lumen.entity.id]);
      assert.deepEqual(about(folded.id), about(french.id));
      assert.equal(await operator.memory.history('Nobody Ltd'), null);
    });

    test('an address changed twice: the newest is current and cited, the older ones stay as history', async () => {
      const first = await rememberedAt('2025-10-06T09:00:00Z', 'Acme GmbH signed the frame contract. Billing address: Industriestraße 5, 70565 Stuttgart. VAT ID DE287654321.');
      await rememberedAt('2025-11-03T10:00:00Z', 'Invoiced Acme GmbH INV-000004. Billing address: Industriestraße 5, 70565 Stuttgart.');
      const moved = await rememberedAt('2026-03-02T08:40:00Z', 'Acme moved their office: from March all invoices go to Löffelstraße 22, 70597 Stuttgart.');
      const again = await rememberedAt('2026-09-14T08:00:00Z', "Acme's new billing address is Hafenweg 3, 70597 Stuttgart; they moved again.");
      await drainIndex(operator.memory);

      const address = await operator.memory.factFor('Acme', 'billing_address');
      assert.ok(address.status === 'known', JSON.stringify(address));
      assert.equal(address.current.value, 'Hafenweg 3, 70597 Stuttgart');
      assert.equal(address.current.since, '2026-09-14');
      assert.equal(address.current.citation.recordId, again.id);
      assert.equal(address.replaced?.value, 'Löffelstraße 22, 70597 Stuttgart');
      assert.equal(address.replaced?.until, '2026-09-14');
      assert.equal(address.replaced?.citation.recordId, moved.id);

      const vat = await operator.memory.factFor('Acme GmbH', 'vat_id');
      assert.deepEqual(vat.status === 'known' && [vat.current.value, vat.current.citation.recordId, vat.replaced], ['DE287654321', first.id, null]);
      // An attribute named as a question names it is the attribute it asks for.
      const taxId = await operator.memory.factFor('Acme GmbH', 'tax_id');
      assert.deepEqual(taxId.status === 'known' && [taxId.attribute, taxId.current.value], ['vat_id', 'DE287654321']);
      assert.deepEqual(await operator.memory.factFor('Acme', 'day_rate'), { status: 'unknown', entity: 'Acme GmbH', attribute: 'rate' });
      assert.deepEqual(await operator.memory.factFor('Acme', 'shoe_size'), { status: 'unknown', entity: 'Acme GmbH', attribute: 'shoe_size' });
      assert.deepEqual(await operator.memory.factFor('Umbrella Corp', 'billing_address'), { status: 'unknown', entity: null, attribute: 'billing_address' });

      const history = await operator.memory.history('Acme');
      const addresses = history?.attributes.find((entry) => entry.attribute === 'billing_address')?.values;
      assert.deepEqual(
        addresses?.map((value) => [value.since, value.until, value.value]),
        [
          ['2025-10-06', '2026-03-02', 'Industriestraße 5, 70565 Stuttgart'],
          ['2026-03-02', '2026-09-14', 'Löffelstraße 22, 70597 Stuttgart'],
          ['2026-09-14', null, 'Hafenweg 3, 70597 Stuttgart'],
        ],
      );

      // Forgetting the memory that made the newest address current brings the one before it back.
      assert.equal(await operator.memory.forget(again.id), true);
      const after = await operator.memory.factFor('Acme', 'billing_address');
      assert.equal(after.status === 'known' && after.current.value, 'Löffelstraße 22, 70597 Stuttgart');
    });

    test('a question naming an entity recalls its notes first, the current value first, and the answer says since when', async () => {
      const old = await rememberedAt('2025-10-23T09:00:00Z', 'Lumen Analytics Ltd signed the churn dashboard; billing address: 14 Clerkenwell Road, London EC1M 5RN.');
      const lumina = await rememberedAt('2025-11-02T09:00:00Z', 'Lumina Studio SAS billing address: 22 rue Oberkampf, 75011 Paris.');
      await rememberedAt('2025-12-01T09:00:00Z', 'The blog post on invoice automation goes out on Tuesday.');
      const moved = await rememberedAt('2026-05-08T09:00:00Z', 'Lumen moved to 3 Old Street, London EC1V 9HX; send invoices to the new address from May.');
      await drainIndex(operator.memory);

      const result = await operator.memory.recall("what's Lumen’s billing address?", { k: 3, answer: true });
      assert.equal(result.degraded, false);
      assert.deepEqual(result.citations.map((citation) => citation.recordId).slice(0, 2), [moved.id, old.id]);
      assert.ok(!result.citations.slice(0, 2).some((citation) => citation.recordId === lumina.id), 'the look-alike company comes after');
      assert.deepEqual(result.citations[0]!.facts, [
        { entity: 'Lumen Analytics Ltd', attribute: 'billing_address', value: '3 Old Street, London EC1V 9HX', current: true, since: '2026-05-08', supersededAt: null },
      ]);
      assert.deepEqual(result.citations[1]!.facts?.map((fact) => [fact.current, fact.supersededAt]), [[false, '2026-05-08']]);
      assert.equal(
        result.answer,
        "Lumen Analytics Ltd's billing address is 3 Old Street, London EC1V 9HX, current since 2026-05-08 [1]. It replaced 14 Clerkenwell Road, London EC1M 5RN (2025-10-23 to 2026-05-08).",
      );

      const past = await operator.memory.recall('what was the old billing address of Lumen?', { k: 3 });
      assert.ok(past.citations.slice(0, 2).some((citation) => citation.recordId === old.id), 'a question about the past still finds the replaced value');
    });

    test('a replaced statement never ranks above its replacement, however the question is worded', async () => {
      // The old note shares the question's words and states a fact that still holds (the mailbox), so
      // only knowing that its terms were replaced puts the new note, worded otherwise, before it.
      const old = await rememberedAt('2025-11-03T09:00:00Z', 'Brennholt Möbel GmbH payment days: 30 days net, payment days fixed, invoices to rechnung@brennholt.example.');
      const changed = await rememberedAt('2026-06-01T09:00:00Z', 'After a slow spring Brennholt asked for more room; from July they pay 60 days after the invoice date.');
      await drainIndex(operator.memory);

      for (const question of ['brennholt payment days?', 'hoeveel dagen betalingstermijn heeft brennholt nu?']) {
        const ids = (await operator.memory.recall(question, { k: 5 })).citations.map((citation) => citation.recordId);
        assert.ok(ids.includes(changed.id), `${question}: the new terms are recalled`);
        assert.ok(ids.indexOf(changed.id) < ids.indexOf(old.id), `${question}: the new terms come before the old`);
      }
      const past = (await operator.memory.recall('what were the old brennholt payment days?', { k: 5 })).citations.map((citation) => citation.recordId);
      assert.equal(past[0], old.id, 'a question about the past finds the replaced terms first');
    });

    test('asked what was before a move, the replaced value comes first, and before a named value, the one it replaced', async () => {
      const first = await rememberedAt('2025-10-01T09:00:00Z', 'Saltmarsh Ciders signed the orchard planner. Billing address: 4 Mill Lane, Ledbury HR8 1AA.');
      const second = await rememberedAt('2026-02-01T09:00:00Z', 'Saltmarsh Ciders moved their office to 9 Bye Street, Ledbury HR8 2AA; bill them there.');
      const third = await rememberedAt('2026-07-01T09:00:00Z', 'Saltmarsh Ciders moved again: 31 Orchard Row, Ledbury HR8 3AA is the billing address from July.');
      await rememberedAt('2026-08-01T09:00:00Z', 'Invoiced Saltmarsh Ciders Ltd INV-000070 for 900.00 GBP on 2026-08-01. Billing address: 31 Orchard Row, Ledbury HR8 3AA. Currency: GBP.');
      await drainIndex(operator.memory);

      const moved = (await operator.memory.recall('saltmarsh address before they moved?', { k: 5 })).citations.map((citation) => citation.recordId);
      assert.ok([first.id, second.id].includes(moved[0]!), 'a replaced address first');
      const beforeBye = (await operator.memory.recall('saltmarsh address before bye street?', { k: 5 })).citations.map((citation) => citation.recordId);
      assert.equal(beforeBye[0], first.id, 'the address Bye Street replaced');
      assert.ok(beforeBye.indexOf(third.id) > 0);
    });

    test("a lead's recorded outcome names its contact, and a later hand-over replaces it", async () => {
      await rememberedAt('2026-01-26T09:00:00Z', 'Lead Aurelia Dental AB (Erik Sjöberg): needs booking analysis; budget 25000 EUR; timeline Q2. Scored 74/100 (warm); replied "Booking analysis".');
      const handOver = await rememberedAt('2026-08-18T09:00:00Z', 'Aurelia Dental AB: Erik handed the project to Anna Lindqvist; she is our contact from now on.');
      await drainIndex(operator.memory);
      const contact = await operator.memory.factFor('Aurelia Dental', 'contact');
      assert.deepEqual(contact.status === 'known' && [contact.current.value, contact.current.citation.recordId, contact.replaced?.value], ['Anna Lindqvist', handOver.id, 'Erik Sjöberg']);
    });

    test('a note that named a company before memory knew it is read again once it does, and its facts count', async () => {
      const early = await remember('Fjordlys Analytics: invoices go to accounts@fjordlys.example, attention Oliver.');
      assert.equal((await operator.memory.factFor('Fjordlys Analytics', 'billing_email')).status, 'unknown');
      await remember('Invoiced Fjordlys Analytics Ltd INV-000101 for 2,400.00 GBP on 2026-05-29. Billing address: 14 Harbour Road, Leith EH6 6LX.');
      await drainIndex(operator.memory);
      const email = await operator.memory.factFor('Fjordlys', 'billing_email');
      assert.deepEqual(email.status === 'known' && [email.current.value, email.current.citation.recordId], ['accounts@fjordlys.example', early.id]);
    });

    test('a company whose name joins words with "y" or "og" is known by its whole name from a note headed by it', async () => {
      await rememberedAt('2026-03-24T09:00:00Z', 'Mar y Sol Hoteles (beach hotels near Alicante) want a booking widget. Invoices to facturas@marysol.example.');
      await drainIndex(operator.memory);
      const email = await operator.memory.factFor('Mar y Sol Hoteles', 'billing_email');
      assert.equal(email.status === 'known' && email.current.value, 'facturas@marysol.example');
    });

    test('two addresses stated at once are a conflict that cites both', async () => {
      const one = await remember('Kessler & Söhne KG: billing address is Gewerbepark 7, 33602 Bielefeld.');
      const other = await remember('Kessler & Söhne KG: billing address is Am Bahnhof 2, 33602 Bielefeld.');
      const answer = await operator.memory.factFor('Kessler', 'billing_address');
      assert.ok(answer.status === 'conflict', JSON.stringify(answer));
      assert.deepEqual(answer.candidates.map((candidate) => [candidate.value, candidate.citation.recordId]).sort(), [
        ['Am Bahnhof 2, 33602 Bielefeld', other.id],
        ['Gewerbepark 7, 33602 Bielefeld', one.id],
      ]);
    });

    test('a company named by one word is an entity with facts, and the same company once its full name appears', async () => {
      const rate = await rememberedAt('2026-01-05T09:00:00Z', 'Hooli: day rate 850 EUR from February.');
      await rememberedAt('2026-01-06T09:00:00Z', 'Note: day rate 700 EUR for the design sprint.');
      await rememberedAt('2026-02-01T09:00:00Z', 'Hooli Labs Inc. signed the analytics retainer.');
      await drainIndex(operator.memory);

      const answer = await operator.memory.factFor('Hooli Labs Inc', 'rate');
      assert.deepEqual(answer.status === 'known' && [answer.entity, answer.current.value, answer.current.citation.recordId], ['Hooli Labs Inc', '850 EUR', rate.id]);
      const hooli = await operator.memory.history('Hooli');
      assert.deepEqual(hooli?.aliases.map((alias) => `${alias.kind}:${alias.alias}`).sort(), ['name:hooli labs', 'name:hooli labs inc', 'short:hooli']);
      assert.equal(await operator.memory.history('Note'), null, 'a heading label is no company');
    });

    test("a note holding only a person's address is found by the company's domain, and the address stays masked", async () => {
      const note = await remember('Got a mail from jane.doe@hooli-labs.com: they want the rollout moved to May.');
      await remember('The rollout for Brightwave GmbH moves to June; the rollout mail goes out on Friday.');
      await remember('Rollout checklist: staging first, then production, then the rollout announcement.');
      await drainIndex(operator.memory);

      const result = await operator.memory.recall('anything from hooli-labs.com about the rollout?', { k: 3 });
      assert.equal(result.citations[0]?.recordId, note.id);
      assert.ok(!result.citations[0]!.snippet.includes('jane.doe'), result.citations[0]!.snippet);
      assert.equal((await operator.memory.history('hooli-labs.com'))?.entity.name, 'hooli-labs.com');

      // Named later, the company known by its domain is the same one.
      await remember('Hooli Labs Inc. confirmed the rollout budget.');
      const hooli = await operator.memory.history('Hooli Labs');
      assert.equal(hooli?.entity.name, 'Hooli Labs Inc');
      assert.ok(hooli?.aliases.some((alias) => alias.alias === 'hooli-labs.com'), JSON.stringify(hooli?.aliases));
    });

    test('a person named by first name alone is the one person memory knows by it; two of that name make it nobody', async () => {
      await remember('Jonas Weber runs procurement at Nordlicht Energie GmbH.');
      await remember('Anna Schmidt and Anna Lindqvist both asked for the new price list.');
      const leaving = await remember('Jonas is leaving in May and moves to Greenfield Labs GmbH.');
      const anna = await remember('Anna wants the workshop moved to Thursday.');
      await remember('Nordlicht Energie GmbH moved to Am Sandtorkai 41, 20457 Hamburg.');
      await drainIndex(operator.memory);

      const jonas = await operator.memory.history('Jonas Weber');
      const mentions = await operator.store.transaction((runner) => runner.query(sql<{ recordId: string; entityId: string }>`SELECT "recordId", "entityId" FROM "MemoryMention"`));
      assert.ok(mentions.some((mention) => mention.recordId === leaving.id && mention.entityId === jonas?.entity.id), 'the note naming Jonas by first name mentions him');
      assert.deepEqual(mentions.filter((mention) => mention.recordId === anna.id), [], 'two Annas: the note names neither');

      const result = await operator.memory.recall('where is jonas going?', { k: 3 });
      assert.equal(result.citations[0]?.recordId, leaving.id);
    });

    test('a first name shortened is the one person whose first name starts with it', async () => {
      await remember('Rodrigo Mendoza in administration checks the invoices at Los Cerros S.A.');
      await remember('Rosalind Hart runs finance at Brenner Tools GmbH.');
      await remember('Rosalie Pike runs sales at Acme GmbH.');
      const asked = await remember('Rodrigo asked for net 30 from July: the harvest ties up their cash.');
      await drainIndex(operator.memory);

      const rodrigo = (await operator.memory.history('Rodrigo Mendoza'))!.entity.id;
      assert.deepEqual(await operator.store.transaction((runner) => peopleByFirstName(runner, ['rodri'])), [rodrigo]);
      assert.deepEqual(await operator.store.transaction((runner) => peopleByFirstName(runner, ['rosal'])), [], 'two first names begin so: nobody');
      const result = await operator.memory.recall('why did rodri ask for more days to pay', { k: 3 });
      assert.equal(result.citations[0]?.recordId, asked.id);
    });

    test("a question naming a company by its web domain recalls the notes naming the company", async () => {
      const polaris = await remember('Polaris Freight B.V. asked whether we can build a dock scheduling tool.');
      await remember('Greenway Markets GmbH asked whether we can build a weekly waste report.');
      await remember('Someone asked whether we can build a scheduling tool for their clinic.');
      await drainIndex(operator.memory);

      const result = await operator.memory.recall('polarisfreight.nl wrote to us, did they ask for something before?', { k: 3 });
      assert.equal(result.citations[0]?.recordId, polaris.id);
    });

    test('a question naming a year recalls what was written that year first', async () => {
      const then = await rememberedAt('2025-09-02T09:00:00Z', 'Kranich Werkzeuge GmbH agreed a rate of 780 EUR daily for the tooling review.');
      await rememberedAt('2026-01-08T09:00:00Z', 'What Kranich will charge per day from January: 840 EUR per day, renegotiated.');
      await rememberedAt('2026-01-09T09:00:00Z', 'Kranich confirmed by phone what they charge per day: 840 EUR.');
      await drainIndex(operator.memory);

      for (const question of ['what did kranich charge per day back in 2025?', "what was kranich's day rate in 2025?"]) {
        const result = await operator.memory.recall(question, { k: 3, answer: true });
        assert.equal(result.citations[0]?.recordId, then.id, question);
        assert.equal(result.answer, undefined, 'no answer with the current rate to a question about 2025');
      }
    });

    test('a question naming a month, or last month, recalls what was written that month first', async () => {
      const april = await rememberedAt('2026-04-16T10:00:00Z', 'Invoiced Kranich Werkzeuge GmbH INV-000024 for 1,800.00 EUR. Currency: EUR.');
      await rememberedAt('2026-06-16T10:00:00Z', 'Invoiced Kranich Werkzeuge GmbH INV-000031 for 1,800.00 EUR. Currency: EUR.');
      const lastMonth = new Date();
      lastMonth.setUTCDate(1);
      lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
      const recent = await rememberedAt(lastMonth.toISOString(), 'Invoiced Kranich Werkzeuge GmbH INV-000040 for 1,800.00 EUR. Currency: EUR.');
      await drainIndex(operator.memory);

      assert.equal((await operator.memory.recall('how much was the kranich invoice of april 2026?', { k: 3 })).citations[0]?.recordId, april.id);
      assert.equal((await operator.memory.recall('how much did we invoice kranich last month?', { k: 3 })).citations[0]?.recordId, recent.id);
    });

    test('a firm of two names joined by "&" is known by its initials, and facts stated that way are its own', async () => {
      await rememberedAt('2026-01-19T09:00:00Z', 'Quill & Barrow LLP: contract review tool; payment terms 30 days from invoice.');
      const changed = await rememberedAt('2026-05-25T09:00:00Z', 'Priya asked to move Q&B to payment within 14 days; fine by us.');
      await drainIndex(operator.memory);

      const terms = await operator.memory.factFor('Quill & Barrow', 'payment_terms');
      assert.deepEqual(terms.status === 'known' && [terms.current.value, terms.current.citation.recordId, terms.replaced?.value], ['14 days', changed.id, '30 days']);
    });

    test('a company written in full after a shorter name, or for short after its full name, is one entity', async () => {
      await rememberedAt('2026-01-10T09:00:00Z', 'Casa do Vale (olive oil producer): Rui Costa is our contact for the shop.');
      await rememberedAt('2026-02-02T09:00:00Z', 'Invoiced Casa do Vale Azeites Lda INV-000050 for 900.00 EUR on 2026-02-02. Currency: EUR.');
      await rememberedAt('2026-02-10T09:00:00Z', 'Lead Falkner Bau Planung GmbH (Eva Falkner): needs a site diary; budget 9000 EUR. Scored 55/100.');
      await rememberedAt('2026-03-01T09:00:00Z', 'Falkner Bau approved the pilot; billing to Ringstraße 4, 1010 Wien, net 21.');
      await rememberedAt('2026-03-05T09:00:00Z', 'Invoiced Acme GmbH INV-000051 for 500.00 EUR on 2026-03-05. Currency: EUR.');
      await rememberedAt('2026-03-06T09:00:00Z', 'Invoiced Acme Tooling Ltd INV-000052 for 700.00 GBP on 2026-03-06. Currency: GBP.');
      await drainIndex(operator.memory);

      const contact = await operator.memory.factFor('Casa do Vale Azeites Lda', 'contact');
      assert.deepEqual(contact.status === 'known' && [contact.entity, contact.current.value], ['Casa do Vale Azeites Lda', 'Rui Costa']);
      const terms = await operator.memory.factFor('Falkner Bau Planung GmbH', 'payment_terms');
      assert.deepEqual(terms.status === 'known' && terms.current.value, '21 days');
      const currency = await operator.memory.factFor('Acme GmbH', 'currency');
      assert.deepEqual(currency.status === 'known' && [currency.entity, currency.current.value], ['Acme GmbH', 'EUR'], 'one shared word makes no company another');
    });

    test('a company named after its kind of business, then by the name after that word, is one entity', async () => {
      await rememberedAt('2026-01-10T09:00:00Z', 'Lead Tostadora Cerro Azul S.A. de C.V. (Inés Ortega): needs roast tracking; budget 9000 USD. Scored 60/100.');
      await rememberedAt('2026-02-02T09:00:00Z', 'Cerro Azul (coffee roaster in Veracruz) signed; they pay net 30.');
      await drainIndex(operator.memory);

      const terms = await operator.memory.factFor('Tostadora Cerro Azul S.A. de C.V.', 'payment_terms');
      assert.deepEqual(terms.status === 'known' && [terms.entity, terms.current.value], ['Tostadora Cerro Azul S.A. de C.V.', '30 days']);
    });

    test('a note headed by a name memory knows as a person is about that person, not a company of that name', async () => {
      await rememberedAt('2026-01-10T09:00:00Z', "Brenner Tools GmbH: Katarzyna 'Kasia' Nowicka runs purchasing.");
      await rememberedAt('2026-02-10T09:00:00Z', 'Katarzyna Nowicka (purchasing): payment terms 30 days from now on.');
      await drainIndex(operator.memory);
      const terms = await operator.memory.factFor('Brenner Tools GmbH', 'payment_terms');
      assert.deepEqual(terms.status === 'known' && terms.current.value, '30 days');
    });

    test('someone named with their old and new company in their newest note works at the one first named with them most recently', async () => {
      await rememberedAt('2026-01-10T09:00:00Z', 'Ridgeway Outdoor Inc (Dana Whitfield, ops lead): wants a returns dashboard.');
      await rememberedAt('2026-02-10T09:00:00Z', 'Dana Whitfield at Ridgeway Outdoor Inc asked for the March report.');
      await rememberedAt('2026-07-03T09:00:00Z', 'Dana Whitfield has left Ridgeway Outdoor Inc for a job at Helix Biotech Inc.');
      await rememberedAt('2026-08-10T09:00:00Z', 'Dana Whitfield at Helix Biotech Inc (ex-Ridgeway Outdoor Inc) wants the portal scoped.');
      await drainIndex(operator.memory);

      const dana = (await operator.memory.history('Dana Whitfield'))!.entity.id;
      const helix = (await operator.memory.history('Helix Biotech Inc'))!.entity.id;
      assert.equal(await operator.store.transaction((runner) => employerOf(runner, dana, new Date('2026-09-01T00:00:00Z'))), helix);
    });

    test('a note naming only a person is about where they work', async () => {
      await rememberedAt('2026-01-10T09:00:00Z', "Halcón Estudio SL (Marisol 'Sol' Ortega, partner): billing address Calle Mayor 4, 28013 Madrid.");
      const moved = await rememberedAt('2026-04-02T09:00:00Z', 'Marisol says they have moved to Calle Serrano 41, 28001 Madrid; use it from now on.');
      await rememberedAt('2026-04-03T09:00:00Z', 'Brenner Tools GmbH: billing address Hauptstraße 9, 10115 Berlin.');
      await drainIndex(operator.memory);

      const address = await operator.memory.factFor('Halcón Estudio SL', 'billing_address');
      assert.deepEqual(address.status === 'known' && [address.current.value, address.current.citation.recordId], ['Calle Serrano 41, 28001 Madrid', moved.id]);
    });

    test("a question asking for someone's company recalls the notes of the company they work at", async () => {
      await rememberedAt('2026-01-10T09:00:00Z', "Halcón Estudio SL (Marisol 'Sol' Ortega, partner): kickoff for the costing tool.");
      const theirs = await rememberedAt('2026-02-01T09:00:00Z', 'Halcón Estudio asked for a Spanish version of the costing guide.');
      const others = await rememberedAt('2026-03-01T09:00:00Z', 'Brenner Tools GmbH, a firm in Berlin, asked for a Spanish version of the costing guide.');
      await drainIndex(operator.memory);

      const cited = (await operator.memory.recall("what did Sol's firm ask for?", { k: 3 })).citations.map((citation) => citation.recordId);
      assert.ok(cited.indexOf(theirs.id) !== -1 && cited.indexOf(theirs.id) < cited.indexOf(others.id), 'their request before the same request of another company');
    });

    test("what someone has, or a company's attribute asked through them, is their company's", async () => {
      await rememberedAt('2026-01-10T09:00:00Z', "Halcón Estudio SL (Marisol 'Sol' Ortega, partner): kickoff for the costing tool.");
      const theirRate = await rememberedAt('2026-02-01T09:00:00Z', 'Halcón Estudio: day rate 700 EUR from March.');
      await rememberedAt('2026-02-02T09:00:00Z', 'Brenner Tools GmbH: day rate 900 EUR from March.');
      const theirStory = await rememberedAt('2026-03-01T09:00:00Z', 'Case study on the costing tool of Halcón Estudio is out.');
      const otherStory = await rememberedAt('2026-03-02T09:00:00Z', 'Case study on the costing tool of Brenner Tools GmbH is out.');
      await drainIndex(operator.memory);

      const rate = await operator.memory.recall('what do we charge marisol per day', { k: 3 });
      assert.equal(rate.citations[0]?.recordId, theirRate.id, 'the rate of the company she works at');
      const cited = (await operator.memory.recall("is the case study on marisol's costing tool out?", { k: 3 })).citations.map((citation) => citation.recordId);
      assert.ok(cited.indexOf(theirStory.id) !== -1 && cited.indexOf(theirStory.id) < cited.indexOf(otherStory.id), "her company's story before the other one");
    });

    test("a question that describes a company as a note heading it does recalls that company's notes", async () => {
      await rememberedAt('2026-01-10T09:00:00Z', 'Saltmarsh Ciders (orchard cidery near Brindleford) signed for the web shop.');
      const theirs = await rememberedAt('2026-02-01T09:00:00Z', 'Saltmarsh: Nell Carver is our contact for the shop.');
      const others = await rememberedAt('2026-02-02T09:00:00Z', 'Copperkettle Ales Ltd: Jo Pike is our contact for the shop.');
      await drainIndex(operator.memory);

      const cited = (await operator.memory.recall('the brindleford cidery, who is our contact there?', { k: 3 })).citations.map((citation) => citation.recordId);
      assert.equal(cited[0], theirs.id, `their contact first (${cited.indexOf(others.id) + 1} for the other company's)`);
    });

    test('a company name typed with two letters swapped still names it', async () => {
      await rememberedAt('2026-01-05T09:00:00Z', 'Invoiced Brandtwerk Logistik GmbH INV-000060 for 900.00 EUR on 2026-01-05. Billing address: Dammtorwall 15, 20354 Hamburg.');
      const moved = await rememberedAt('2026-06-01T09:00:00Z', 'Brandtwerk moved to Ballindamm 3, 20095 Hamburg; bill them there from June.');
      await rememberedAt('2026-06-02T09:00:00Z', 'Approved "Approve the invoice" in invoicing (request: invoice Brenner Tools GmbH for 2 days at 800/day). Reason: next invoice confirmed.');
      await drainIndex(operator.memory);

      const result = await operator.memory.recall('brandtwrek adress for the next invoice', { k: 3 });
      assert.equal(result.citations[0]?.recordId, moved.id);
    });

    test("a company's name beginnings run together ('BrLog') are the company, in notes and in questions", async () => {
      await rememberedAt('2026-01-05T09:00:00Z', 'Invoiced Brandtwerk Logistik GmbH INV-000061 for 900.00 EUR on 2026-01-05. Billing address: Dammtorwall 15, 20354 Hamburg.');
      await rememberedAt('2026-01-06T09:00:00Z', 'Invoiced Brandt Lohmann AG INV-000062 for 400.00 EUR on 2026-01-06. Billing address: Ringstraße 4, 1010 Wien.');
      const moved = await rememberedAt('2026-06-01T09:00:00Z', 'BrLog moved their head office: Ballindamm 3, 20095 Hamburg is the billing address from June.');
      await drainIndex(operator.memory);

      const address = await operator.memory.factFor('Brandtwerk Logistik GmbH', 'billing_address');
      assert.deepEqual(address.status === 'known' && [address.current.value, address.current.citation.recordId], ['Ballindamm 3, 20095 Hamburg', moved.id]);
      const lohmann = await operator.memory.factFor('Brandt Lohmann AG', 'billing_address');
      assert.deepEqual(lohmann.status === 'known' && lohmann.current.value, 'Ringstraße 4, 1010 Wien', 'a name the beginnings do not fit keeps its own address');
      const result = await operator.memory.recall('billing address of BrLog?', { k: 3 });
      assert.equal(result.citations[0]?.recordId, moved.id);
    });

    test("a workflow's answer to its question about an attribute is that attribute's newest value", async () => {
      await rememberedAt('2026-02-03T09:00:00Z', 'Invoiced Falkner Bau GmbH INV-000041 for 1,600.00 EUR on 2026-02-03. Currency: EUR.');
      const answer = await rememberedAt('2026-05-04T09:00:00Z', 'Answer to "Ask for the currency" in invoicing (request: invoice Falkner Bau for 2 days of site surveys at 800/day): CHF');
      await drainIndex(operator.memory);
      const currency = await operator.memory.factFor('Falkner Bau GmbH', 'currency');
      assert.deepEqual(currency.status === 'known' && [currency.current.value, currency.current.citation.recordId, currency.replaced?.value], ['CHF', answer.id, 'EUR']);
    });

    test('records written before entities existed are read by the indexer', async () => {
      const { id } = await rememberedAt('2026-01-12T09:00:00Z', 'Renegotiated with Kessler & Söhne KG for 2026: day rate 920 EUR from January.');
      await operator.store.transaction((runner) => runner.execute(sql`UPDATE "MemoryRecord" SET "entitiesAt" = NULL`));
      await operator.store.transaction((runner) => runner.execute(sql`DELETE FROM "MemoryFact"`));
      assert.equal((await operator.memory.factFor('Kessler', 'rate')).status, 'unknown');
      await drainIndex(operator.memory);
      const rate = await operator.memory.factFor('Kessler', 'rate');
      assert.deepEqual(rate.status === 'known' && [rate.current.value, rate.current.citation.recordId], ['920 EUR', id]);
    });
  });
}

describe('facts read from a sentence', () => {
  test('terms of "net" and two digits at the end of a clause are payment terms', () => {
    assert.deepEqual(readFacts('Falkner Bau signed the pilot; net 45.'), [{ attribute: 'payment_terms', value: '45 days' }]);
    assert.deepEqual(
      readFacts('Billing to 12 Harbour Road, Leith EH6 6LX, net 21.').map((fact) => fact.attribute),
      ['billing_address', 'payment_terms'],
    );
  });

  test('a move to an address the sentence makes the billing address is the billing address', () => {
    assert.deepEqual(readFacts('Falkner Bau moved shop and warehouse to Industriestrasse 7, 6300 Zug; use that as the billing address from May.'), [{ attribute: 'billing_address', value: 'Industriestrasse 7, 6300 Zug' }]);
    assert.deepEqual(readFacts('We moved the weekly call with Falkner to 15:00.'), []);
  });

  test('"end of month" stays part of the payment terms', () => {
    assert.deepEqual(readFacts('Falkner Bau pays 45 days end of month from now on.'), [{ attribute: 'payment_terms', value: '45 days end of month' }]);
    assert.deepEqual(readFacts('Falkner Bau pays net 30 EOM.'), [{ attribute: 'payment_terms', value: '30 days end of month' }]);
    assert.deepEqual(readFacts('Falkner Bau pays 30 days.'), [{ attribute: 'payment_terms', value: '30 days' }]);
  });

  test('"bill it in EUR at", "bill <the company> at": what follows is the address, and the currency is stated too', () => {
    assert.deepEqual(readFacts('From June bill it in EUR at Mainzer Landstraße 50, 60325 Frankfurt am Main; USt-IdNr DE347812956.'), [
      { attribute: 'billing_address', value: 'Mainzer Landstraße 50, 60325 Frankfurt am Main' },
      { attribute: 'vat_id', value: 'DE347812956' },
      { attribute: 'currency', value: 'EUR' },
    ]);
    assert.deepEqual(readFacts('Bill Brauerei Falkenberg GmbH at Lindwurmstraße 140, 80337 München from now on.'), [{ attribute: 'billing_address', value: 'Lindwurmstraße 140, 80337 München' }]);
    assert.deepEqual(readFacts('We bill the extra hours to the March invoice.'), []);
  });

  test('an address named before "is the billing address" is the billing address', () => {
    assert.deepEqual(readFacts('BrLog moved their head office: Ballindamm 3, 20095 Hamburg is the billing address from June.'), [{ attribute: 'billing_address', value: 'Ballindamm 3, 20095 Hamburg' }]);
    assert.deepEqual(readFacts('We rent 3 desks there; none of them is the billing address.'), []);
  });

  test('"contact = Name", "contact: Name" and "the person we deal with" state the contact', () => {
    assert.deepEqual(readFacts('Saltmarsh contact = Nell Carver (orchard office).'), [{ attribute: 'contact', value: 'Nell Carver' }]);
    assert.deepEqual(readFacts('Contact: Nell Carver, from March.'), [{ attribute: 'contact', value: 'Nell Carver' }]);
    assert.deepEqual(readFacts('Nell Carver took on the orchard office and is the person we deal with from now on.'), [{ attribute: 'contact', value: 'Nell Carver' }]);
  });

  test('the subject of "is our contact" or "and the person we deal with" is the contact, not a name after it', () => {
    assert.deepEqual(readFacts('Eleni Papadaki, the CEO, is our contact for now. VAT ID EL094567812.').find((fact) => fact.attribute === 'contact'), { attribute: 'contact', value: 'Eleni Papadaki' });
    assert.deepEqual(readFacts('Lea Hofer is the contact for Kessel now, replacing Florian Gruber.'), [{ attribute: 'contact', value: 'Lea Hofer' }]);
    assert.deepEqual(readFacts('Nikos left. Katerina Alexiou is the new export manager and the person we deal with from now on.'.split('. ')[1]!), [{ attribute: 'contact', value: 'Katerina Alexiou' }]);
    assert.deepEqual(readFacts('Our contact is Jo Pike from March.'), [{ attribute: 'contact', value: 'Jo Pike' }]);
  });

  test("a lead's recorded outcome states who wrote in as the contact, unless it is unknown", () => {
    assert.deepEqual(leadContactFact('Lead Hooli Labs Inc (Jane Doe): needs a dashboard; budget 5000 EUR; timeline Q1. Scored 60/100 (warm); replied "Hi".'), { attribute: 'contact', value: 'Jane Doe' });
    assert.equal(leadContactFact('Lead Hooli Labs Inc (unknown contact): needs unclear; budget unknown; timeline unknown. Scored 10/100 (cold); replied "Hi".'), null);
    assert.equal(leadContactFact('Met Hooli Labs (Jane Doe): needs a dashboard.'), null);
  });

  test("a workflow's recorded answer states the attribute its question asked for, when the answer has its shape", () => {
    assert.deepEqual(answeredFact('Answer to "Ask for the currency" in invoicing (request: invoice Falkner Bau for 2 days at 800/day): CHF'), { attribute: 'currency', value: 'CHF' });
    assert.deepEqual(answeredFact('Answer to "Ask for the VAT ID" in invoicing (request: invoice Falkner Bau): ATU12345678'), { attribute: 'vat_id', value: 'ATU12345678' });
    assert.equal(answeredFact('Answer to "Ask for the currency" in invoicing (request: invoice Falkner Bau): next week'), null);
    assert.equal(answeredFact('Answer to "Ask for the budget" in lead-qualification (text: hi): 5000 EUR'), null);
  });

  test("a tax number labelled with its own country's name (CIF, NIP, RFC, RUT) is the VAT ID, a Spanish one opening with a letter too", () => {
    assert.deepEqual(readFacts('Invoices to the hotel; CIF ESB46123456.'), [{ attribute: 'vat_id', value: 'ESB46123456' }]);
    assert.deepEqual(readFacts('Their RFC MLA150312KT4 goes on every invoice.'), [{ attribute: 'vat_id', value: 'MLA150312KT4' }]);
    assert.deepEqual(readFacts('They pay in 21 days; NIP PL6762345678.').find((fact) => fact.attribute === 'vat_id'), { attribute: 'vat_id', value: 'PL6762345678' });
    assert.deepEqual(readFacts('RUT 76.543.210-K on every invoice.'), [{ attribute: 'vat_id', value: '76.543.210-K' }]);
  });

  test('a mailbox an inbox or e-invoicing is switched to is the invoice mailbox', () => {
    assert.deepEqual(readFacts('The brewery switched to an e-invoicing inbox, rechnungseingang@brauhaus.example.'), [{ attribute: 'billing_email', value: 'rechnungseingang@brauhaus.example' }]);
  });
});

describe('the same value', () => {
  test('a rate per day is the rate without a period; per hour is not', () => {
    assert.equal(sameValue('720 CHF per day', '720 CHF'), true);
    assert.equal(sameValue('720 CHF a day', '720 chf'), true);
    assert.equal(sameValue('720 CHF per hour', '720 CHF'), false);
    assert.equal(sameValue('30 days end of month', '30 days'), false);
  });

  test('"net" before or after the days is the same payment term', () => {
    assert.equal(sameValue('45 days net', '45 days'), true);
    assert.equal(sameValue('net 45', '45 days net'), true);
    assert.equal(sameValue('45 days net', '60 days'), false);
  });
});

describe('misspelt names', () => {
  test('a letter added, dropped, changed or two swapped is one edit; more is not', () => {
    assert.deepEqual(
      [['kranichfed', 'kranichfeld'], ['kranichfelds', 'kranichfeld'], ['kranichfald', 'kranichfeld'], ['kranihcfeld', 'kranichfeld'], ['kranifeld', 'kranichfeld'], ['lumina', 'lumen']].map(([a, b]) => oneEditApart(a!, b!)),
      [true, true, true, true, false, false],
    );
  });
});

describe('the attribute a question asks for', () => {
  test('a currency named by its word asks for the currency, unless the question asks for a rate', () => {
    assert.equal(attributeAsked('Falkner - still invoicing them in euros?'), 'currency');
    assert.equal(attributeAsked('falkner day rate in francs'), 'rate');
  });

  test("an AP or accounts payable address is the invoice mailbox, not the postal address", () => {
    assert.equal(attributeAsked("falkner's AP adress for invoices?"), 'billing_email');
    assert.equal(attributeAsked('accounts payable address at fjord freight'), 'billing_email');
    assert.equal(attributeAsked('falkner postal address'), 'billing_address');
  });

  test("\"who's our ...\" asks for the contact, written with either apostrophe", () => {
    assert.equal(attributeAsked("who's our person at Falkner now?"), 'contact');
    assert.equal(attributeAsked('who’s our go-to at fjord freight'), 'contact');
  });

  test('the attribute is asked for in German, French, Spanish and Italian too', () => {
    assert.deepEqual(
      ['fjord freight zahlungsziel?', 'délai de paiement chez falkner', 'tarifa de fjord freight', 'stundensatz bei falkner', 'quanto costa falkner all\'ora', 'wer ist der ansprechpartner bei falkner', '¿contacto en fjord freight?', 'dirección de fjord freight', "l'adresse de falkner", 'indirizzo di falkner'].map(attributeAsked),
      ['payment_terms', 'payment_terms', 'rate', 'rate', 'rate', 'contact', 'contact', 'billing_address', 'billing_address', 'billing_address'],
    );
  });

  test('the attribute is asked for in Dutch, Portuguese, the Nordic languages and Turkish, with or without accents', () => {
    assert.deepEqual(
      ['hoeveel dagen betalingstermijn heeft falkner?', 'wie is de contactpersoon bij fjord freight', 'in welke valuta factureren we falkner', 'qual é o endereço da falkner?', 'falkners betalingsbetingelser', 'in welcher Währung zahlt falkner', 'in welcher wahrung zahlt falkner', 'falkner vergi numarası?'].map(attributeAsked),
      ['payment_terms', 'contact', 'currency', 'billing_address', 'payment_terms', 'currency', 'currency', 'vat_id'],
    );
  });

  test('"a day" asks for the rate; the German article "ein" is not an EIN', () => {
    assert.equal(attributeAsked("what's falkner paying us a day now"), 'rate');
    assert.equal(attributeAsked('gibt es ein neues Zahlungsziel bei falkner?'), 'payment_terms');
    assert.equal(attributeAsked("falkner's EIN?"), 'vat_id');
  });

  test('an e-mail address asks for the mailbox in French and Spanish too', () => {
    assert.equal(attributeAsked("l'adresse mail de falkner pour les factures"), 'billing_email');
    assert.equal(attributeAsked('¿a qué correo mandamos las facturas de falkner?'), 'billing_email');
  });

  test('whether a company moved asks for its address', () => {
    assert.equal(attributeAsked('is falkner still in zug or did they move?'), 'billing_address');
    assert.equal(attributeAsked('fjord freight invoices by post - postal?'), 'billing_address');
  });

  test('who we deal with, who handles or who replaced someone asks for the contact', () => {
    assert.deepEqual(['who do we deal with at fjord freight these days', 'who handles the account at falkner now', 'who replaced Nell at falkner?'].map(attributeAsked), ['contact', 'contact', 'contact']);
  });

  test("a street, a typo's 'addres' and where to post the invoices ask for the address", () => {
    assert.deepEqual(['which street do falkner invoices go to', 'falkner addres pls', 'where do we post the fjord freight invoices'].map(attributeAsked), ['billing_address', 'billing_address', 'billing_address']);
  });

  test('a UID number (Austria, Switzerland) and a RUT (Chile) ask for the VAT ID', () => {
    assert.deepEqual(['falkner UID-Nummer?', 'uid nr of fjord freight', 'el RUT de falkner'].map(attributeAsked), ['vat_id', 'vat_id', 'vat_id']);
  });

  test("an RFC (Mexico), a GST number and an adószám (Hungary) ask for the VAT ID, with or without accents", () => {
    assert.deepEqual(['RFC de tostadora azul', 'falkner GST number', 'falkner adószám?', 'falkner adoszam'].map(attributeAsked), ['vat_id', 'vat_id', 'vat_id', 'vat_id']);
  });

  test('the days a customer gets to pay are asked in Italian, Spanish and German too', () => {
    assert.deepEqual(['quanti giorni per pagare ha falkner?', '¿cuántos días para pagar tiene falkner?', 'wie viele Tage zum Zahlen hat falkner'].map(attributeAsked), ['payment_terms', 'payment_terms', 'payment_terms']);
  });

  test('paying in a currency asks for the currency; paying in a number of days for the terms', () => {
    assert.equal(attributeAsked('which currency does falkner pay in'), 'currency');
    assert.equal(attributeAsked('does falkner pay in 30 days?'), 'payment_terms');
  });

  test('where invoices are sent or go asks for the address, unless it names a mailbox; the days to pay and the end of the month ask for the terms', () => {
    assert.deepEqual(
      ['hanbit - do we still send invoices to seoul?', 'which mailbox do our invoices go to now?', 'do their invoices go to the new office?', 'why did rodri ask for more days to pay', 'do amélie\'s people still pay at end of month?'].map(attributeAsked),
      ['billing_address', 'billing_email', 'billing_address', 'payment_terms', 'payment_terms'],
    );
  });

  test('the month a question names is of the year it names, else the latest that has begun; "last month" is the one before now', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    assert.deepEqual(monthAsked('their april invoice', now), { year: 2026, month: 4 });
    assert.deepEqual(monthAsked('what did we invoice halvorsen in january, in nok', now), { year: 2026, month: 1 });
    assert.deepEqual(monthAsked('the december 2025 invoice', now), { year: 2025, month: 12 });
    assert.deepEqual(monthAsked('how much did we bill them last month', new Date('2026-01-10T00:00:00Z')), { year: 2025, month: 12 });
    assert.equal(monthAsked('may we bill sol y mar in euros?', now), null);
    assert.equal(monthAsked('from march to june', now), null);
  });

  test('what a value started at asks about the past', () => {
    assert.deepEqual(['what hourly rate did we start on', 'the rate initially', 'the rate now'].map(asksAboutThePast), [true, true, false]);
  });

  test('where invoices are to be e-mailed asks for the mailbox', () => {
    assert.equal(attributeAsked('where should falkner invoices be emailed'), 'billing_email');
  });

  test('an organisation number is asked as the VAT ID it stands for', () => {
    assert.equal(attributeAsked("Fjord Freight's org number for the invoice"), 'vat_id');
    assert.equal(attributeAsked('organisation no. of fjord freight?'), 'vat_id');
  });
});
