// Deadlines relative to when the text was written, and content briefs read into topic, audience,
// tone, format, length and deadline. Texts written for these tests, not taken from the corpus.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readBrief } from '../src/reading/brief.ts';
import { readDeadline } from '../src/reading/dates.ts';
import { ACT_WITHOUT_ASKING, spanAt, spanHolds } from '../src/reading/field.ts';

const deadline = (text: string, written: string) => readDeadline(text, spanAt(text, 0, text.length), new Date(written));

describe('deadlines', () => {
  const cases: [string, string, string | null][] = [
    ['We would like it in 6 weeks.', '2026-11-10T12:00:00Z', '2026-12-22'],
    ['It must be live before end of Q1.', '2026-11-18T12:00:00Z', '2027-03-31'],
    ['Ready for the summer season (June), please.', '2026-12-01T12:00:00Z', '2027-06-30'],
    ['Launch before 1 March.', '2026-12-01T12:00:00Z', '2027-02-28'],
    ['Go-live spätestens KW 12/2027.', '2026-11-17T12:00:00Z', '2027-03-28'],
    ['am liebsten bis Mitte Januar', '2026-12-01T12:00:00Z', '2027-01-15'],
    ['in place for Easter', '2026-12-01T12:00:00Z', '2027-03-28'],
    ['Offers are due 10 December; delivery by 31 May 2027.', '2026-12-01T12:00:00Z', '2027-05-31'],
    ['ASAP please, no fixed date', '2026-12-01T12:00:00Z', null],
    ['we hope to launch early 2027', '2026-12-01T12:00:00Z', null],
    ['Mise en ligne souhaitée avant fin mars.', '2026-12-15T12:00:00Z', '2027-03-31'],
    ['ci serve entro fine febbraio', '2026-12-19T12:00:00Z', '2027-02-28'],
    ['project_start: Next month', '2026-12-10T12:00:00Z', '2027-01-31'],
    ['Fecha límite: 1 de abril de 2027', '2026-12-06T12:00:00Z', '2027-04-01'],
    ['Para el viernes, por favor.', '2026-12-10T12:00:00Z', '2026-12-11'],
    ['We need it before our busy season starts in April.', '2026-12-08T12:00:00Z', '2027-03-31'],
    ['live before March, please', '2026-12-08T12:00:00Z', '2027-02-28'],
    ['ideally before the end of next week', '2026-12-08T12:00:00Z', '2026-12-20'],
    ['we would like it before Christmas next year', '2026-12-08T12:00:00Z', '2027-12-24'],
    ['a landing page for our Black Friday sale', '2026-12-08T12:00:00Z', '2027-11-26'],
    ['we want to launch next year', '2026-12-08T12:00:00Z', null],
    ['deadline: 01.04.2027', '2026-12-08T12:00:00Z', '2027-04-01'],
    ['Termin: do 15 marca.', '2026-12-08T12:00:00Z', '2027-03-15'],
    ['Ferdig innen 1. mars.', '2026-12-08T12:00:00Z', '2027-03-01'],
    ['Can you call me on 15?', '2026-12-08T12:00:00Z', null],
    ['We need it done by the first week of March.', '2026-12-08T12:00:00Z', '2027-03-07'],
    // Round 5: a span counted from the date that follows it.
    ['It must be live the week after Easter.', '2026-12-08T12:00:00Z', '2027-04-04'],
    ['we need it two days before the fair on 9 March', '2026-12-08T12:00:00Z', '2027-03-07'],
    ['ready 3 weeks after Easter', '2026-12-08T12:00:00Z', '2027-04-18'],
    ['Termin: do końca marca.', '2026-12-08T12:00:00Z', '2027-03-31'],
    ['We need it in a fortnight.', '2026-12-08T12:00:00Z', '2026-12-22'],
    ['We would like to start in March for six months.', '2026-12-08T12:00:00Z', '2027-03-31'],
    // Round 6: "before" an event, then the event's date as a period's end: met on that end day.
    ['Go-live: before the trade fair, end of June', '2026-12-08T12:00:00Z', '2027-06-30'],
    ['We must launch before the holidays, Ende Juli.', '2026-12-08T12:00:00Z', '2027-07-31'],
  ];
  for (const [text, written, by] of cases) {
    test(`"${text}" written ${written.slice(0, 10)} is ${by ?? 'no deadline'}`, () => {
      const read = deadline(text, written);
      assert.equal(read.value?.by ?? null, by);
      if (read.evidence.kind === 'span') assert.ok(spanHolds(text, read.evidence.span));
    });
  }
});

test('Portuguese "até" and a "Prazo:" label cue a deadline sure enough to act on', () => {
  for (const text of ['Precisamos do site até 15 de abril.', 'Prazo: 30 de junho']) {
    const read = deadline(text, '2026-12-08T12:00:00Z');
    assert.ok(read.value !== null, text);
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING, `${text}: ${read.confidence}`);
  }
});

describe('deadlines the text itself leaves unsure are read, but not sure enough to act on', () => {
  const cases: [string, string][] = [
    ['No deadline, but our trade show is on 10 March.', '2027-03-10'],
    ['We would love it ready for the spring festival in late April.', '2027-04-30'],
    ['The event is on 14 May and the site must be ready two weeks prior.', '2027-05-14'],
    ['We open a second gym on 1 March and want the site a few days before.', '2027-03-01'],
    ['We need it by 04/05/2027.', '2027-04-05'],
    ['It has to be live before our anniversary in February.', '2027-01-31'],
    ['We were hoping to start in February and finish in 3 months.', '2027-03-08'],
    // Round 5: a slash date one language puts in the past is still two dates.
    ['Launch date: 10/12/2026', '2026-12-10'],
    ['Ideally by 20 January, otherwise by the end of February.', '2027-02-28'],
  ];
  for (const [text, by] of cases) {
    test(`"${text}" is asked, offering ${by}`, () => {
      const read = deadline(text, '2026-12-08T12:00:00Z');
      assert.equal(read.value?.by, by);
      assert.ok(read.confidence < ACT_WITHOUT_ASKING);
    });
  }
});

describe('content briefs', () => {
  test('a chat brief gives its topic, stated audience, tone, format, length and deadline', async () => {
    const text = 'Write a newsletter about switching bookkeeping software, aimed at non-technical founders. Playful tone, ~700 words, by next Tuesday.';
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.match(brief.topic.value ?? '', /switching bookkeeping software/);
    assert.equal(brief.audience.value, 'non-technical founders');
    assert.deepEqual([brief.tone.value, brief.format.value, brief.wordCount.value, brief.deadline.value?.by], ['playful', 'newsletter', 700, '2026-12-08']);
    for (const field of Object.values(brief)) if (field.evidence.kind === 'span') assert.ok(spanHolds(text, field.evidence.span));
  });

  test('a labelled brief is read field by field', async () => {
    const text = 'Title: Why your shop needs faster checkout\nReaders: owners of small web shops\nVoice: formal\nType: guide\nLength: 1,500 words\nDeadline: 2027-01-20';
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.deepEqual(
      [brief.topic.value, brief.audience.value, brief.tone.value, brief.format.value, brief.wordCount.value, brief.deadline.value?.by],
      ['Why your shop needs faster checkout', 'owners of small web shops', 'formal', 'guide', 1500, '2027-01-20'],
    );
  });

  test('"target audience is" and "readers are" name the readers even when no word reads as a plural noun', async () => {
    const brief = await readBrief('600 words on GDPR for newsletters. Target audience is small accounting firms. Calm tone.', new Date('2026-12-02T10:00:00Z'));
    assert.equal(brief.audience.value, 'small accounting firms');
    assert.ok(brief.audience.confidence >= 0.9);
    const readers = await readBrief('A blog post on pricing retainers. Our readers are independent design studios.', new Date('2026-12-02T10:00:00Z'));
    assert.equal(readers.audience.value, 'independent design studios');
  });

  test('a brief that names no topic and no readers has neither, so the plan asks', async () => {
    const brief = await readBrief('can you do the usual newsletter, friendly, by Friday', new Date('2026-12-02T10:00:00Z'));
    assert.deepEqual([brief.topic.value, brief.audience.value], [null, null]);
  });

  test('briefs in other languages: the topic after "über"/"sulla", the readers after "rivolto a"/"pensado para", the tone in their words', async () => {
    const german = await readBrief('Kannst du einen Blogartikel über Wärmepumpen im Altbau schreiben? Zielgruppe: Vermieter. Ton: freundlich.', new Date('2026-12-02T10:00:00Z'));
    assert.match(german.topic.value ?? '', /Wärmepumpen/);
    assert.equal(german.tone.value, 'friendly');
    const italian = await readBrief('un articolo per il blog sulla raccolta delle olive, rivolto a famiglie in vacanza. Tono colloquiale, circa 600 parole.', new Date('2026-12-02T10:00:00Z'));
    assert.match(italian.topic.value ?? '', /raccolta delle olive/);
    assert.match(italian.audience.value ?? '', /famiglie in vacanza/);
    assert.deepEqual([italian.tone.value, italian.wordCount.value], ['conversational', 600]);
    const spanish = await readBrief('un post para LinkedIn sobre nuestro nuevo almacén, pensado para proveedores locales. Para el viernes.', new Date('2026-12-03T10:00:00Z'));
    assert.match(spanish.audience.value ?? '', /proveedores locales/);
    assert.equal(spanish.deadline.value?.by, '2026-12-04');
  });

  test('chat fields between dashes, a format\'s own colon, "1k words", and a topic named before the format', async () => {
    const dashed = await readBrief('case study on the Harbourside clinic rebuild - audience: clinic managers - authoritative - 1k words - by the 20th', new Date('2026-12-02T10:00:00Z'));
    assert.deepEqual([dashed.audience.value, dashed.tone.value, dashed.wordCount.value, dashed.deadline.value?.by], ['clinic managers', 'authoritative', 1000, '2026-12-20']);
    assert.match(dashed.topic.value ?? '', /Harbourside clinic rebuild/);
    const colon = await readBrief('Newsletter for our members: the new opening hours and the spring fair', new Date('2026-12-02T10:00:00Z'));
    assert.match(colon.topic.value ?? '', /new opening hours/);
    const before = await readBrief('Please write our end-of-season newsletter. For parents and coaches.', new Date('2026-12-02T10:00:00Z'));
    assert.equal(before.topic.value, 'end-of-season');
    const period = await readBrief('could you draft the january newsletter? as usual', new Date('2026-12-02T10:00:00Z'));
    assert.equal(period.topic.value, null);
    const approximate = await readBrief('a guide, about 1,200 words, for new landlords', new Date('2026-12-02T10:00:00Z'));
    assert.equal(approximate.topic.value, null);
  });

  test('"for" inside the topic is not the audience; a "for" that starts its own clause is', async () => {
    const brief = await readBrief('Guide to VAT registration for online sellers, for first-time founders, 900 words', new Date('2026-12-02T10:00:00Z'));
    assert.match(brief.topic.value ?? '', /VAT registration/);
    assert.equal(brief.audience.value, 'first-time founders');
  });
});

describe('round 3: lengths that are no dates, doubted briefs', () => {
  const at = new Date('2026-12-21T10:00:00Z');
  test('a word count or a span of time is no deadline, "in 6 weeks" still is', async () => {
    for (const text of ['Ca. 900 Wörter.', 'Length — 800w', 'we cut onboarding time from 3 weeks to 4 days.']) {
      assert.equal((await readBrief(text, at)).deadline.value, null, text);
    }
    assert.equal((await readBrief('blog post on sourdough for home bakers, live in 6 weeks', at)).deadline.value?.by, '2027-02-01');
  });

  test('"antes del 15 de marzo" is the day before', async () => {
    assert.equal((await readBrief('Un artículo sobre fisioterapia para corredores, antes del 15 de marzo.', at)).deadline.value?.by, '2027-03-14');
  });

  test('a topic marked TBD is not read, an audience said with doubt is asked', async () => {
    const tbd = await readBrief('newsletter for January. Topic TBD. Audience: our existing subscribers.', at);
    assert.equal(tbd.topic.value, null);
    const doubted = await readBrief('A LinkedIn post on closing the books faster, for CFOs (or maybe controllers? not sure)', at);
    assert.ok(doubted.audience.confidence < ACT_WITHOUT_ASKING);
  });

  test('em-dash fields and "the people reading are" name topic and audience', async () => {
    const form = await readBrief('Brief\nTopic — winter tyre myths\nWho reads it — fleet managers', at);
    assert.equal(form.topic.value, 'winter tyre myths');
    assert.equal(form.audience.value, 'fleet managers');
    assert.match((await readBrief("blog about why sourdough needs time. the people reading are home bakers who've killed a starter", at)).audience.value ?? '', /home bakers/);
  });
});

describe('round 5: readers and topics stated indirectly', () => {
  const at = new Date('2027-01-06T09:00:00Z');
  test('"the people who will read it are", "goes out to X, mostly Y" and "so that X understand" name the readers', async () => {
    assert.match((await readBrief('Guide to our returns policy. The people who will read it are first-time buyers. Friendly.', at)).audience.value ?? '', /first-time buyers/);
    assert.match((await readBrief('Newsletter on the spring timetable. It goes out to our volunteers, mostly retired nurses in the north.', at)).audience.value ?? '', /retired nurses/);
    const purpose = await readBrief('Explain the new parking permits so that shift workers understand how to renew them. 400 words.', at);
    assert.match(purpose.audience.value ?? '', /shift workers/);
    assert.match(purpose.topic.value ?? '', /parking permits/);
  });

  test('readers denied ("not for developers") are not the audience; "it\'s for the X" is', async () => {
    const read = await readBrief('Case study on our move to one data warehouse, not for engineers, it\'s for the operations leads who approve tools.', at);
    assert.match(read.audience.value ?? '', /operations leads/);
  });

  test('German "für" before a bare plural noun names readers, "für den Shop" does not', async () => {
    assert.match((await readBrief('Blogartikel über Solaranlagen auf dem Flachdach, für Vermieter, die Kosten sparen wollen.', at)).audience.value ?? '', /Vermieter/);
    assert.equal((await readBrief('Blogartikel über Rabattaktionen für den Shop, 500 Wörter.', at)).audience.value, null);
  });

  test('a question customers ask, with a request to answer it, is the topic', async () => {
    const read = await readBrief('Clients often ask whether timber windows need yearly painting. Can you write a blog post that answers it? For homeowners.', at);
    assert.match(read.topic.value ?? '', /timber windows/);
  });

  test('a reply that changes one field and keeps "everything else as below" keeps the quoted brief\'s other fields', async () => {
    const text = 'From: Ada <ada@loomhouse.example>\nTo: Sam <sam@ortega-studio.example>\nDate: Wed, 6 Jan 2027 10:00:00 +0000\nSubject: Re: brief\n\nOne change: write it for our retail partners. Everything else as below.\n\n> On 5 Jan 2027, Ada wrote:\n> Newsletter about our linen bedding line, aimed at hotel buyers. Formal, 450 words, by 22 January.\n';
    const read = await readBrief(text, at);
    assert.match(read.audience.value ?? '', /retail partners/);
    assert.match(read.topic.value ?? '', /linen bedding/);
    assert.equal(read.wordCount.value, 450);
    assert.equal(read.deadline.value?.by, '2027-01-22');
    assert.ok(read.topic.evidence.kind === 'span' && spanHolds(text, read.topic.evidence.span));
  });
});

describe('round 6: briefs in the shapes the old test split held', () => {
  const at = new Date('2026-12-07T10:00:00Z');
  const sure = (field: { value: unknown; confidence: number }) => field.value !== null && field.confidence >= ACT_WITHOUT_ASKING;

  test('an e-mail whose body is only short "label - value" lines is all brief, with "who", "style", "how long" and "subject" as labels', async () => {
    const text = 'From: Mo Reyes <mo@harbour-rowing.example>\nTo: Sam <sam@ortega-studio.example>\nDate: Mon, 7 Dec 2026 09:00:00 +0000\nSubject: piece\n\nhi sam, the brief:\n\nsubject - what to pack for a first regatta\nwho - parents of junior rowers\nstyle - formal\nhow long - 1.100 words\n\nthanks, Mo\n';
    const read = await readBrief(text, at);
    assert.match(read.topic.value ?? '', /first regatta/);
    assert.match(read.audience.value ?? '', /parents of junior rowers/);
    assert.deepEqual([read.tone.value, read.wordCount.value], ['formal', 1100]);
    const form = await readBrief('Who: volunteer coordinators\nSubject: Keeping volunteers past their first month\nFormat: guide', at);
    assert.match(form.topic.value ?? '', /Keeping volunteers/);
    assert.equal(form.audience.value, 'volunteer coordinators');
  });

  test('"switch the topic to X" in a reply that keeps the rest "as in my brief below" takes the quoted brief\'s other fields', async () => {
    const text = 'From: Ada <ada@loomhouse.example>\nTo: Sam <sam@ortega-studio.example>\nDate: Mon, 7 Dec 2026 10:00:00 +0000\nSubject: Re: brief\n\nSam, please switch the topic to caring for linen in hard water. Everything else as in my brief below.\n\nAda\n\nOn Fri, Dec 4, 2026 at 9:00 AM Ada <ada@loomhouse.example> wrote:\n> Topic: our spring bedding line\n> Audience: hotel buyers\n> Length: 700 words\n> Tone: formal\n';
    const read = await readBrief(text, at);
    assert.match(read.topic.value ?? '', /linen in hard water/);
    assert.equal(read.audience.value, 'hotel buyers');
    assert.deepEqual([read.tone.value, read.wordCount.value], ['formal', 700]);
  });

  test('"1,200-word" and "800-ish words" are lengths; "-ish" doubts the length, not the topic or readers', async () => {
    assert.equal((await readBrief('A guide for new tenants on reading a lease. Friendly, 1,200-word, by 20 December.', at)).wordCount.value, 1200);
    const ish = await readBrief('so: for cafe owners, about cutting food waste, newsletter, 800-ish words, by Friday', at);
    assert.equal(ish.wordCount.value, 800);
    assert.ok(sure(ish.topic) && sure(ish.audience), JSON.stringify([ish.topic, ish.audience]));
  });

  test('"topic TBD, ideas?" leaves the readers named before it sure; "for CFOs, I think" stays doubted', async () => {
    const open = await readBrief('Newsletter for our members (a sailing club), friendly, 400 words — topic TBD, ideas?', at);
    assert.equal(open.topic.value, null);
    assert.ok(sure(open.audience), JSON.stringify(open.audience));
    const doubted = await readBrief('A blog post on month-end close, for CFOs, I think', at);
    assert.ok(!sure(doubted.audience), JSON.stringify(doubted.audience));
  });

  test('a parenthesis after the readers that names people is part of them; one that names a place is not', async () => {
    assert.match((await readBrief('A LinkedIn post about our new depot. Aimed at our partners (hauliers and freight brokers).', at)).audience.value ?? '', /freight brokers/);
    assert.match((await readBrief('Newsletter, playful. For our regulars (mostly students and night-shift nurses).', at)).audience.value ?? '', /night-shift nurses/);
    assert.equal((await readBrief('Newsletter about winter hours, for our members (rowing club).', at)).audience.value, 'our members');
  });

  test('the people a piece explains something to are its readers', async () => {
    const read = await readBrief('Guide (formal, 900 words) explaining GDPR data requests to clinic managers who run small practices.', at);
    assert.match(read.audience.value ?? '', /clinic managers/);
  });

  test('a tone denied ("skip the playful tone", "not too formal") is not the tone; the one asked for is', async () => {
    assert.equal((await readBrief('Blog post on pricing for founders. Skip the playful tone from last time, keep it authoritative.', at)).tone.value, 'authoritative');
    assert.equal((await readBrief('Newsletter on our new menu for regulars, not too formal, conversational please.', at)).tone.value, 'conversational');
  });

  test('a field set off by a spaced dash ends the topic before it: "Case study on X – audience: Y – formal"', async () => {
    const read = await readBrief('Case study on how we halved a client\'s cloud bill – audience: startup CTOs – formal – 800 words', at);
    assert.match(read.topic.value ?? '', /halved a client's cloud bill$/);
    assert.equal(read.tone.value, 'formal');
  });

  test('a month before a noun ("before the March rush") names an event when the text also states a day', () => {
    assert.equal(deadline('when - before the March rush, so by 20 Feb', '2026-12-07T10:00:00Z').value?.by, '2027-02-20');
    assert.equal(deadline('We need it for our June launch, ideally by 12 May.', '2026-12-07T10:00:00Z').value?.by, '2027-05-12');
  });
});

test('a quoted e-mail\'s "Subject:" header is no topic; a brief\'s own "Subject:" line is', async () => {
  const at = new Date('2026-12-07T10:00:00Z');
  const text = 'From: Ada <ada@loomhouse.example>\nTo: Sam <sam@ortega-studio.example>\nDate: Mon, 7 Dec 2026 10:00:00 +0000\nSubject: Re: brief\n\nPlease make it for hotel buyers. Everything else as below.\n\n-----Original Message-----\nFrom: Ada <ada@loomhouse.example>\nSent: Friday, December 4, 2026 9:00 AM\nSubject: next blog brief\n\nBlog post about caring for linen in hard water, formal, 700 words.\n';
  const read = await readBrief(text, at);
  assert.match(read.topic.value ?? '', /linen in hard water/);
  assert.equal((await readBrief('Subject: why our tiles crack in frost\nReaders: homeowners\nFormat: guide', at)).topic.value, 'why our tiles crack in frost');
});

test('fields strung on one line with spaced hyphens ("Topic - X, audience - Y, tone - Z") are read each', async () => {
  const read = await readBrief('Topic - the four-day week, audience - agency owners, tone - conversational', new Date('2026-12-07T10:00:00Z'));
  assert.deepEqual([read.topic.value, read.audience.value, read.tone.value], ['the four-day week', 'agency owners', 'conversational']);
});

describe('round 7: briefs in other languages and machine-named forms', () => {
  const at = new Date('2026-12-07T10:00:00Z');

  test('a preposition of another language, then people and a relative pronoun, names the readers ("para ... que", "för ... som", "voor ... die", "per chi")', async () => {
    for (const [text, readers] of [
      ['Quero um artigo sobre horta urbana, para inquilinos que têm só uma varanda.', 'inquilinos'],
      ['Skriv en text om kompostering, för villaägare som har liten trädgård.', 'villaägare'],
      ['Een blog over zonnepanelen, voor huurders die hun energierekening willen verlagen.', 'huurders'],
      ['un post sulla potatura delle rose, per chi ha un piccolo giardino.', 'piccolo giardino'],
    ] as const) {
      const read = await readBrief(text, at);
      assert.ok(read.audience.value?.includes(readers), `${text}: ${read.audience.value}`);
      assert.ok(read.audience.confidence >= ACT_WITHOUT_ASKING, text);
    }
  });

  test('after an article of one thing ("para el blog que ...") or a time ("para mañana que ...") the relative clause names no readers', async () => {
    // Nor after a time: "para mañana que ...", "för nästa vecka som ...", "voor december die ..." say when.
    for (const text of ['Un artículo sobre riego por goteo para el blog que publicamos cada mes.', 'Een tekst over dakisolatie voor de site die we net lanceerden.', 'Un artículo para mañana que hable del riego.', 'Ett inlägg för nästa vecka som handlar om kompost.', 'Een nieuwsbrief voor december die over de kerstactie gaat.']) {
      assert.equal((await readBrief(text, at)).audience.value, null, text);
    }
  });

  test('a form\'s machine names ("brief_topic=", "brief_audience=") are its fields', async () => {
    const read = await readBrief('brief_topic=Choosing a wood stove\nbrief_audience=rural homeowners\nbrief_tone=friendly', at);
    assert.deepEqual([read.topic.value, read.audience.value, read.tone.value], ['Choosing a wood stove', 'rural homeowners', 'friendly']);
  });

  test('"a newsletter to our members" names its readers; "a newsletter to announce" does not', async () => {
    assert.equal((await readBrief('a newsletter to our volunteers about the spring clean-up', at)).audience.value, 'our volunteers');
    assert.equal((await readBrief('a newsletter to announce the spring clean-up', at)).audience.value, null);
  });

  test('tones, formats and word counts in Dutch, Portuguese and Swedish ("vriendelijke toon", "tom descontraído", "nieuwsbrief", "blogginlägg", "500 woorden", "800 palavras")', async () => {
    const nl = await readBrief('Een nieuwsbrief over de winterstop, vriendelijke toon, max 500 woorden.', at);
    assert.deepEqual([nl.tone.value, nl.format.value, nl.wordCount.value], ['friendly', 'newsletter', 500]);
    const pt = await readBrief('Um artigo para o blog sobre azulejos, tom descontraído, 800 palavras.', at);
    assert.deepEqual([pt.tone.value, pt.format.value, pt.wordCount.value], ['conversational', 'blog post', 800]);
    const sv = await readBrief('Ett blogginlägg om hur man isolerar en vind.', at);
    assert.equal(sv.format.value, 'blog post');
    assert.match(sv.topic.value ?? '', /isolerar en vind/);
  });

  test('"blog: X" names the topic after a format\'s own colon', async () => {
    assert.match((await readBrief('blog: why tile grout cracks in winter. readers are homeowners.', at)).topic.value ?? '', /tile grout cracks/);
  });
});

describe('round 7: deadlines', () => {
  const deadline = (text: string) => readDeadline(text, spanAt(text, 0, text.length), new Date('2026-11-25T10:00:00Z')).value?.by ?? null;

  test('"o fim de", "o final de", "utgangen av" a month is its last day', () => {
    assert.equal(deadline('precisamos do site até o fim de fevereiro'), '2027-02-28');
    assert.equal(deadline('a loja tem de estar pronta até o final de março'), '2027-03-31');
    assert.equal(deadline('den må være ferdig innen utgangen av april'), '2027-04-30');
  });

  test('Portuguese "no ar" (live) before a deadline denies nothing; "no deadline" still does', () => {
    const live = 'queremos a loja no ar até o fim de fevereiro';
    const read = readDeadline(live, spanAt(live, 0, live.length), new Date('2026-11-25T10:00:00Z'));
    assert.equal(read.value?.by, '2027-02-28');
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING);
    const denied = 'no deadline really, the fair is on 10 March';
    assert.ok(readDeadline(denied, spanAt(denied, 0, denied.length), new Date('2026-11-25T10:00:00Z')).confidence < ACT_WITHOUT_ASKING);
  });

  test('a date in the purpose a deadline serves ("by X so we can ... in Y") is no deadline; one set with "by" after "so" still is', () => {
    assert.equal(deadline('we need the shop live by the end of February so we can start taking orders in March.'), '2027-02-28');
    assert.equal(deadline('it should be ready by 20 January so our staff can open registrations in February.'), '2027-01-20');
    assert.equal(deadline('a first draft in January so we can launch by 15 March.'), '2027-03-15');
    // Two sentences: no purpose links them, and the latest cued date stays the deadline as before.
    assert.equal(deadline('Live by 10 January. We open the bookings in April.'), '2027-04-30');
  });
});

test('a start or launch date beside an earlier date the work is needed by is asked, not taken as the deadline', () => {
  const written = '2026-11-25T10:00:00Z';
  for (const text of [
    'The campaign starts on 1 March, so we need the banners by 20 February.',
    'Kampania startuje 1 marca, materiały potrzebujemy do 15 lutego.',
    'We need the copy by 2 February and launch on 15 February.',
  ]) {
    assert.ok(deadline(text, written).confidence < ACT_WITHOUT_ASKING, text);
  }
  // One date, or a start before the date the work is due, is still read.
  assert.equal(deadline('We launch on 1 March.', written).confidence >= ACT_WITHOUT_ASKING, true);
  const due = deadline('We start on 5 January and need it finished by 20 February.', written);
  assert.equal(due.value?.by, '2027-02-20');
  assert.ok(due.confidence >= ACT_WITHOUT_ASKING);
  assert.equal(deadline('materiały potrzebujemy do 25 stycznia', written).value?.by, '2027-01-25');
  assert.equal(deadline('The fair opens on 12 March, so we need the stand graphics by 20 February.', written).value?.by, '2027-02-20');
});

test('readers named by a plural noun of another language after its preposition ("per i nostri clienti", "voor onze leden") are the audience', async () => {
  const audience = async (text: string) => (await readBrief(text, new Date('2026-12-01T10:00:00Z'))).audience;
  for (const [text, readers] of [
    ['Scrivi un post sul nuovo orario, per i nostri clienti. Tono amichevole, 300 parole.', 'i nostri clienti'],
    ['Een nieuwsbrief over de jaarvergadering voor onze leden. 400 woorden.', 'onze leden'],
    ['Un artículo sobre la declaración trimestral para autónomos. 800 palabras.', 'autónomos'],
    ['Ein Newsletter für unsere Kunden über die neue App.', 'unsere Kunden'],
  ] as const) {
    const read = await audience(text);
    assert.equal(read.value, readers, text);
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING, text);
  }
  // A preposition before one thing or a time names no readers.
  for (const text of ['Necesito un artículo para el blog de clientes sobre impuestos.', 'Un post per domani sui clienti nuovi.']) {
    assert.equal((await audience(text)).value, null, text);
  }
});

test('a form whose labels are questions ("What\'s it about? :", "Who will read it? :") gives topic and audience; a title in single quotes is the topic', async () => {
  const written = new Date('2026-12-01T10:00:00Z');
  const form = await readBrief("What's it about? : Choosing a first road bike\nWho will read it? : commuters new to cycling\nHow long? : 900 words", written);
  assert.equal(form.topic.value, 'Choosing a first road bike');
  assert.equal(form.audience.value, 'commuters new to cycling');
  const titled = await readBrief("Blog voor onze bakkerij: 'Zo bewaar je zuurdesembrood vers'. 500 woorden.", written);
  assert.equal(titled.topic.value, 'Zo bewaar je zuurdesembrood vers');
  // Apostrophes inside words open no title.
  assert.equal((await readBrief("We'd like a post about our clients' favourite recipes, it's for the blog", written)).topic.value, "our clients' favourite recipes");
  assert.equal((await readBrief("Post about 'Brand' guidelines for our 'new' shop owners", written)).topic.value, "'Brand' guidelines for our 'new' shop owners");
});

test('a topic the writer leaves open ("topic - up to you", "I haven\'t decided on the topic yet") is asked, not read from the words around it', async () => {
  const written = new Date('2026-12-01T10:00:00Z');
  for (const text of [
    'two instagram captions for our bakery, audience is local families, playful. topic - up to you',
    'Newsletter for our members, 400 words. I haven\'t decided on the topic yet, any ideas?',
    'Blog post for landlords, topic: whatever you think is timely, 800 words',
  ]) {
    assert.equal((await readBrief(text, written)).topic.value, null, text);
  }
  // A topic about choosing, or one the writer has settled, is still the topic.
  assert.equal((await readBrief('A blog post about how to pick a topic you can write about every week, for new bloggers', written)).topic.value, 'how to pick a topic you can write about every week');
  assert.notEqual((await readBrief('Newsletter about our spring opening hours, for members', written)).topic.value, null);
});

test('"not sure who it\'s for" leaves the audience open: asked, even where a "for" names something else', async () => {
  const written = new Date('2026-12-01T10:00:00Z');
  const unsure = await readBrief('article about the new tax rules for freelancers. honestly not sure who it\'s for yet, maybe accountants? 900 words', written);
  assert.equal(unsure.audience.value, null);
  // Doubt about something else leaves the readers named.
  const sure = await readBrief('article about the new tax rules, for freelancers. not sure about the title yet. 900 words', written);
  assert.equal(sure.audience.value, 'freelancers');
});

describe('round 9: deadlines in the forms new senders write them', () => {
  test('a day and month with their stops and no year ("bis 14.1.", "senest 3.2.") is the next such day', () => {
    assert.equal(deadline('Bitte bis 14.1. liefern.', '2026-12-04T12:00:00Z').value?.by, '2027-01-14');
    assert.equal(deadline('Vi skal bruge det senest 3.2.', '2026-12-04T12:00:00Z').value?.by, '2027-02-03');
    // A version or a price is no day: no month 0, no month 50, and a version with no deadline word names none.
    assert.equal(deadline('upgrade to 2.0. then ship', '2026-12-04T12:00:00Z').value, null);
    assert.equal(deadline('Our shop runs on WordPress 6.4. We want a redesign.', '2026-12-04T12:00:00Z').value, null);
  });

  test('a weekday in Polish, Czech or Danish is the next one after the day written, a week on when said that day', () => {
    // 2026-12-04 is a Friday.
    assert.equal(deadline('Potrzebuję tekstu do środy.', '2026-12-04T12:00:00Z').value?.by, '2026-12-09');
    assert.equal(deadline('Potrzebuję tekstu do piątku.', '2026-12-04T12:00:00Z').value?.by, '2026-12-11');
    assert.equal(deadline('Text potřebuji do pondělí.', '2026-12-04T12:00:00Z').value?.by, '2026-12-07');
    assert.equal(deadline('Vi skal have det senest tirsdag.', '2026-12-04T12:00:00Z').value?.by, '2026-12-08');
  });

  test('Danish and Czech month names, and Czech "do konce" a month, give the day or the month\'s end', () => {
    assert.equal(deadline('Siden skal være klar senest 15. marts.', '2026-12-04T12:00:00Z').value?.by, '2027-03-15');
    assert.equal(deadline('Web potřebujeme do konce dubna.', '2026-12-04T12:00:00Z').value?.by, '2027-04-30');
  });

  test('a word count in a language chrono misreads as seconds ("900 słów") is no deadline', async () => {
    const brief = await readBrief('Artykuł o podatkach, 700 słów.', new Date('2026-12-04T12:00:00Z'));
    assert.equal(brief.deadline.value, null);
  });
});

describe('round 9: briefs in the words new senders write', () => {
  const written = new Date('2026-12-04T09:30:00Z'); // a Friday morning
  const brief = (text: string) => readBrief(text, written);

  test('a bare weekday said on that weekday, in any language, is a week later', async () => {
    assert.equal((await brief('Um artigo sobre impostos para freelancers, até sexta-feira.')).deadline.value?.by, '2026-12-11');
    assert.equal((await brief('A post on pricing for freelancers, by Friday.')).deadline.value?.by, '2026-12-11');
  });

  test('readers named by a plural of another language\'s own shape ("collezionisti", "empresários", "huiseigenaren", "dla osób") are the audience', async () => {
    for (const [text, audience] of [
      ['Un articolo sulla cura delle piante grasse, per giornalisti di settore. 600 parole.', 'giornalisti di settore'],
      ['Um artigo sobre faturação eletrónica, para empresários em nome individual. 700 palavras.', 'empresários em nome individual'],
      ['Een blog over warmtepompen voor woningeigenaren in de stad, 500 woorden.', 'woningeigenaren in de stad'],
      ['Artykuł o kredytach hipotecznych dla osób kupujących pierwsze mieszkanie. 800 słów.', 'osób kupujących pierwsze mieszkanie'],
    ] as const) {
      const read = await brief(text);
      assert.equal(read.audience.value, audience, text);
      assert.ok(read.audience.confidence >= ACT_WITHOUT_ASKING, text);
    }
  });

  test('"it goes to our members" names the readers; a word count in Polish or Czech is read', async () => {
    const read = await brief('Could you write this month\'s newsletter? It is about the new opening hours and it goes to our members. 350 words.');
    assert.equal(read.audience.value, 'our members');
    assert.equal((await brief('Wpis na bloga o ogrzewaniu, 1200 słów.')).wordCount.value, 1200);
    assert.equal((await brief('Wpis na bloga o ogrzewaniu, 1200 słów.')).format.value, 'blog post');
    assert.equal((await brief('Článek o daních, 900 slov.')).wordCount.value, 900);
  });

  test('a corrected word count ("1200 words, no make that 800") is the corrected one', async () => {
    assert.equal((await brief('guide to onboarding interns, for HR teams. 1200 words, no make that 800. friendly')).wordCount.value, 800);
    assert.equal((await brief('guide to onboarding interns, for HR teams. 1200 words, sorry, 900')).wordCount.value, 900);
    assert.equal((await brief('guide to onboarding interns, for HR teams. 1200 words, friendly')).wordCount.value, 1200);
  });

  test('a form\'s topic after a format\'s name and a dash, a "what do you want written?" label, a machine-named format', async () => {
    assert.equal((await brief('Title: Newsletter — spring open studio weekend\nAudience: local artists')).topic.value, 'spring open studio weekend');
    assert.equal((await brief('What do you want written?: the history of our bakery\nWho will read it?: new customers')).topic.value, 'the history of our bakery');
    assert.equal((await brief('content_type=case_study\ntopic=moving payroll in-house\naudience=finance leads')).format.value, 'case study');
  });

  test('one long word after "over"/"über" is the topic; a channel is not; a Dutch "schrijf je ...?" is a request, not doubt', async () => {
    const dutch = await brief('Schrijf je een blog over zonneboilers? Voor huiseigenaren, 600 woorden.');
    assert.equal(dutch.topic.value, 'zonneboilers');
    assert.ok(dutch.topic.confidence >= ACT_WITHOUT_ASKING);
    assert.equal((await brief('Ein Blogartikel über Datenschutzerklärungen, für Vereinsvorstände.')).topic.value, 'Datenschutzerklärungen');
    assert.equal((await brief('a short post on LinkedIn, for recruiters')).topic.value, null);
  });

  test('an intro for a club names its topic after the colon; "Tono autorevole" is authoritative', async () => {
    assert.equal((await brief('newsletter intro for the running club: results of the winter relay, for members')).topic.value, 'results of the winter relay');
    assert.equal((await brief('Un articolo sui vini naturali, per sommelier. Tono autorevole.')).tone.value, 'authoritative');
  });
});

describe('round 9: short forms and days of the month', () => {
  test('"até dia 12", "hasta el día 9" name a day of this month, or of the next once it has passed', () => {
    assert.equal(deadline('Preciso do texto até dia 12.', '2026-12-04T12:00:00Z').value?.by, '2026-12-12');
    assert.equal(deadline('Lo necesito hasta el día 2.', '2026-12-04T12:00:00Z').value?.by, '2027-01-02');
    // A month after the day is chrono's to read: "hasta el día 9 de febrero".
    assert.equal(deadline('Lo necesito hasta el día 9 de febrero.', '2026-12-04T12:00:00Z').value?.by, '2027-02-09');
  });

  test('English short weekdays ("thurs", "weds") are the next such day; ages "in their 20s and 30s" are no date', () => {
    assert.equal(deadline('need it thurs', '2026-12-04T12:00:00Z').value?.by, '2026-12-10');
    assert.equal(deadline('by weds pls', '2026-12-04T12:00:00Z').value?.by, '2026-12-09');
    assert.equal(deadline('readers are parents in their 30s and 40s.', '2026-12-04T12:00:00Z').value, null);
  });

  test('"Tono profesional" is formal; "800-900 wrds" is a word count', async () => {
    const brief = await readBrief('Un post sobre facturas, para autónomos. Tono profesional, 800-900 wrds.', new Date('2026-12-04T12:00:00Z'));
    assert.equal(brief.tone.value, 'formal');
    assert.equal(brief.wordCount.value, 900);
  });
});

test('a machine-named form field that says when ("needed_by=2027-02-20", "deadline=...") cues its date', () => {
  const form = 'company=Quayside Bikes\nneeded_by=2027-02-20\n';
  const read = deadline(form, '2026-12-04T12:00:00Z');
  assert.equal(read.value?.by, '2027-02-20');
  assert.ok(read.confidence >= ACT_WITHOUT_ASKING);
});

test('"its for ..." without its apostrophe names the readers as surely as "it\'s for"', async () => {
  const brief = await readBrief('can u do a post on bookkeeping basics - its for market traders who hate paperwork. 600 words', new Date('2026-12-04T12:00:00Z'));
  assert.equal(brief.audience.value, 'market traders who hate paperwork');
  assert.ok(brief.audience.confidence >= ACT_WITHOUT_ASKING);
});

test('a thing whose word ends like people ("acquisti", "horarios") is no audience', async () => {
  const written = new Date('2026-12-04T12:00:00Z');
  assert.equal((await readBrief('Un articolo sugli sconti, per acquisti aziendali, 500 parole.', written)).audience.value, null);
  assert.equal((await readBrief('Un artículo sobre turnos, para horarios de verano, 500 palabras.', written)).audience.value, null);
});

describe('round 10: a month is a word of its own', () => {
  test('"nový", "nová" (new) hold no November: the deadline is the month named later', () => {
    assert.equal(deadline('Škola by ráda nový rozvrh na webu, nejpozději do konce dubna.', '2026-12-04T10:00:00Z').value?.by, '2027-04-30');
    assert.equal(deadline('Kavárna by chtěla nová menu.', '2026-12-04T10:00:00Z').value, null);
  });
});

describe('round 10: briefs that ask their fields as questions, or label them in other languages', () => {
  test('"Who will read it? Night-shift nurses" names the readers after the question', async () => {
    const brief = await readBrief('What is the piece about? Sleep after a night shift\nWho will read it? Night-shift nurses at our two hospitals\nWhat type of content? Blog post', new Date('2026-12-04T10:00:00Z'));
    assert.equal(brief.audience.value, 'Night-shift nurses at our two hospitals');
  });

  test('"Doelgroep:", "Odbiorcy:", "Målgruppe:" label the readers', async () => {
    for (const [text, readers] of [
      ['Onderwerp: bijen houden in de stad\nDoelgroep: beginnende imkers\nFormaat: blog', 'beginnende imkers'],
      ['Temat: pszczoły w mieście\nOdbiorcy: początkujący pszczelarze\nForma: blog', 'początkujący pszczelarze'],
      ['Emne: bier i byen\nMålgruppe: nye birøktere\nFormat: blogg', 'nye birøktere'],
    ] as const) {
      assert.equal((await readBrief(text, new Date('2026-12-04T10:00:00Z'))).audience.value, readers, text);
    }
  });
});

test('weeks and months counted ahead in languages chrono does not count them in ("em 2 meses", "tra 4 settimane", "om 3 månader") are a day, and sure', () => {
  for (const [text, by] of [
    ['precisamos do site pronto em 2 meses', '2027-01-30'],
    ['ci serve tra 4 settimane', '2026-12-28'],
    ['vi vill ha det klart om 3 månader', '2027-02-28'],
    ['graag binnen 6 weken live', '2027-01-11'],
  ] as const) {
    const read = deadline(text, '2026-11-30T09:00:00Z');
    assert.equal(read.value?.by, by, text);
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING, text);
  }
});

test('Danish "inden" is "before" (the day before, but a period\'s last day before its end), and the Scandinavian "ready" ("klar", "klart") cues a deadline', () => {
  for (const [text, by] of [
    ['hjemmesiden skal være klar inden 15. februar', '2027-02-14'],
    ['butikken skal køre inden udgangen af marts', '2027-03-31'],
    ['allt ska vara klart vecka 6', '2027-02-14'],
  ] as const) {
    const read = deadline(text, '2026-12-01T09:00:00Z');
    assert.equal(read.value?.by, by, text);
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING, text);
  }
});

test('a brief\'s topic may be what it explains in another language ("explicando como ...") or a clause of its own that starts with "how"', async () => {
  for (const [text, topic] of [
    ['Quero um artigo para o blog explicando como abrir uma conta PJ. Público: freelancers.', 'como abrir uma conta PJ'],
    ['Could you turn the Millbrook Dairy rollout into a case study? how they halved delivery errors with route planning. For logistics leads.', 'how they halved delivery errors with route planning'],
    ['Caso de estudio: cómo Talleres Ruiz ahorró energía con sensores. Dirigido a jefes de planta.', 'cómo Talleres Ruiz ahorró energía con sensores'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.topic.value, topic, text);
    assert.ok(read.topic.confidence >= ACT_WITHOUT_ASKING, text);
  }
});

test('a group of people named by a noun that is no plural ("new site staff", "our support team") is an audience', async () => {
  for (const [text, audience] of [
    ['safety guide for new site staff on ladder use, 800 words', 'new site staff'],
    ['a short newsletter for our support team about the new ticket tool', 'our support team'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.audience.value, audience, text);
    assert.ok(read.audience.confidence >= ACT_WITHOUT_ASKING, text);
  }
});

test('those a piece thanks ("a thank-you to our volunteers and donors") are its readers', async () => {
  const text = 'Instagram caption celebrating our fifth birthday, a thank-you to our volunteers and donors, warm tone';
  const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
  assert.equal(read.audience.value, 'our volunteers and donors');
  // "thanks to" gives a cause, not readers.
  const cause = await readBrief('blog post about how we cut delivery times thanks to our new routing tool', new Date('2026-12-02T10:00:00Z'));
  assert.equal(cause.audience.value, null);
});

test('German "geht an" and "richtet sich an" and Polish "skierowany do" name the readers, before a "für" inside the topic', async () => {
  for (const [text, audience] of [
    ['Ein Blogartikel über Dachboxen für Kombis. Der Text geht an unsere Neukunden, bitte locker.', 'unsere Neukunden'],
    ['Newsletter o nowej aplikacji, skierowany do obecnych klientów, ton przyjazny.', 'obecnych klientów'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.audience.value, audience, text);
  }
});

test('a field the writer has no idea about yet ("topic: no idea yet", "audience - don\'t know") is not read: it is asked', async () => {
  for (const [text, field] of [
    ['spring newsletter for our members, friendly, 500 words. topic: no idea yet, open to ideas', 'topic'],
    ['blog post on heat pumps, 900 words, audience - don\'t know, you tell me', 'audience'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read[field].value, null, text);
  }
});

test('a form may ask the topic as a question ("What should the post be about?") or label it in Polish ("Temat:")', async () => {
  for (const [text, topic] of [
    ['What should the post be about? Our winter opening hours\nWho will read it? Members\nHow long? 300 words', 'Our winter opening hours'],
    ['Temat: bezpieczeństwo haseł w biurze\nOdbiorcy: pracownicy biurowi\nLiczba słów: 700', 'bezpieczeństwo haseł w biurze'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.topic.value, topic, text);
  }
});

test('more ways to introduce the readers: "who it\'s for:", Italian "pensato per", Portuguese "para quem"', async () => {
  for (const [text, audience] of [
    ['Quick add to the brief: who it\'s for: parents of toddlers starting nursery. Rest as discussed.', 'parents of toddlers starting nursery'],
    ['Articolo sul compostaggio domestico, pensato per famiglie in appartamento. Tono amichevole.', 'famiglie in appartamento'],
    ['post sobre como organizar as finanças, para quem acabou de abrir a empresa. 800 palavras', 'quem acabou de abrir a empresa'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.audience.value, audience, text);
  }
});

test('Polish and Czech "o" (about) right after the piece names its topic ("wpis na bloga o tym, jak ...", "článek o ...")', async () => {
  for (const [text, topic] of [
    ['Potrzebny wpis na bloga o tym, jak wybrać rower miejski, dla studentów. 700 słów.', 'jak wybrać rower miejski'],
    ['Prosím článek o zateplení starých domů, pro majitele domů, 900 slov.', 'zateplení starých domů'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.topic.value, topic, text);
  }
});

test('Turkish months, and the end and "until" Turkish writes after them ("Haziran sonuna kadar"), give the month\'s last day', () => {
  for (const [text, by] of [
    ['Mağazanın Haziran sonuna kadar açılması lazım.', '2027-06-30'],
    ['Katalog Şubat sonuna dek hazır olmalı.', '2027-02-28'],
  ] as const) {
    const read = deadline(text, '2026-12-03T09:00:00Z');
    assert.equal(read.value?.by, by, text);
    assert.ok(read.confidence >= ACT_WITHOUT_ASKING, text);
  }
});

test('a brief whose fields are a bulleted list at the end of an e-mail is read whole: its last fields are no signature', async () => {
  const text = 'From: Ola Berg <ola@fjellpr.example>\nTo: Sam <sam@copy.example>\nSubject: brief\n\nHi Sam,\n\nHere is the next one:\n\n- Topic: how Lysaker Dairy cut its water use with a closed rinse loop at the main plant\n- Audience: plant managers at regional dairies\n- Tone: formal\n- Length: 1,200 words\n- Deadline: 20 January\n\nAsk if unclear.\nOla\n';
  const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
  assert.deepEqual([read.audience.value, read.tone.value, read.wordCount.value, read.deadline.value?.by], ['plant managers at regional dairies', 'formal', 1200, '2027-01-20']);
});

test('chat shorthand and a common misspelling ("abt" for about, "authorative") still name the topic and the tone', async () => {
  const read = await readBrief('newsletter abt heat pump grants for landlords, authorative tone, 600 words', new Date('2026-12-02T10:00:00Z'));
  assert.match(read.topic.value ?? '', /^heat pump grants/);
  assert.equal(read.tone.value, 'authoritative');
});

test('readers named in Norwegian or Danish definite plurals ("til medlemmene våre") and Dutch compounds of common groups ("voor nieuwe huurders") are the audience', async () => {
  for (const [text, audience] of [
    ['Trenger et innlegg om vinterdekk til medlemmene våre, ca. 500 ord.', 'medlemmene våre'],
    ['Blog over het nieuwe afvalbeleid, voor nieuwe huurders. 700 woorden.', 'nieuwe huurders'],
  ] as const) {
    const read = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(read.audience.value, audience, text);
  }
});

test('a count of days or weeks said of the date just named ("a week before that", "3 days after it") moves the deadline; "two weeks later" alone is asked', () => {
  const moved = deadline('Our festival opens on 20 March and we need the programme site live two weeks before that.', '2026-12-02T09:00:00Z');
  assert.equal(moved.value?.by, '2027-03-06');
  assert.ok(moved.confidence >= ACT_WITHOUT_ASKING);
  const loose = deadline('The shop goes live by 1 March and two weeks later the ads start.', '2026-12-02T09:00:00Z');
  assert.ok(loose.confidence < ACT_WITHOUT_ASKING);
});

test('German "Ende" before a week or month ("bis Ende KW 8") is that period\'s last day, said surely, not a vague date', () => {
  const read = deadline('Wir brauchen die Seite bis Ende KW 8.', '2026-12-02T09:00:00Z');
  assert.equal(read.value?.by, '2027-02-28');
  assert.ok(read.confidence >= ACT_WITHOUT_ASKING);
});

test('common nouns for people in Spanish, Portuguese, Italian, French, Dutch and Polish after "para", "per", "pour", "voor", "dla" name the readers', async () => {
  for (const [text, audience] of [
    ['Quiero un artículo sobre cómo ahorrar agua, para dueños de restaurantes, unas 800 palabras', 'dueños de restaurantes'],
    ['Um artigo sobre jardinagem em varandas, para inquilinos no Porto', 'inquilinos no porto'],
    ['Un articolo sulla nuova sede, per i nostri dipendenti, tono leggero', 'dipendenti'],
    ['Un article sur la facturation électronique, pour commerçants de quartier', 'commerçants'],
    ['Blogartikel over btw-aangifte, voor praktijkmanagers in de zorg', 'praktijkmanagers'],
    ['Artykuł o ulgach, dla programistów na B2B, 800 słów', 'programistów'],
  ] as const) {
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.ok(brief.audience.value?.toLowerCase().includes(audience), `${text}: ${brief.audience.value}`);
  }
});

test('Italian English loanwords for people ("follower", "partner") name readers after a plural article or possessive, not alone', async () => {
  const brief = await readBrief('post sulla nuova sede, per i nostri follower, tono leggero', new Date('2026-12-02T10:00:00Z'));
  assert.equal(brief.audience.value, 'i nostri follower');
  // The same words as English singulars after "an" are no readers.
  const english = await readBrief('a blog post on hiring an account manager', new Date('2026-12-02T10:00:00Z'));
  assert.equal(english.audience.value, null);
});

test('a form that labels the readers "Who\'s it for?" or, in French, "Public cible :" names them after the label', async () => {
  for (const [text, audience] of [
    ['Title: Spring update\nWho\'s it for?: our members and partners\nStyle: friendly', 'our members and partners'],
    ['Sujet : La compta des artisans\nPublic cible : boulangers du quartier\nFormat : article de blog', 'boulangers du quartier'],
  ] as const) {
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(brief.audience.value, audience, text);
  }
});

test('a readers field whose value says someone has yet to choose them ("Audience: we haven\'t decided yet, maybe ...") is left unread and asked', async () => {
  for (const text of [
    'A short post about our new café menu, friendly. Audience: we haven\'t decided yet, maybe locals or tourists.',
    'A short post about our new café menu, friendly. Audience: the client still has to confirm.',
  ]) {
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(brief.audience.value, null, text);
  }
});

test('tones named in Dutch and Polish ("formeel", "ton ekspercki", "przyjazny") and French "convivial" are the listed tones', async () => {
  for (const [text, tone] of [
    ['Blogbericht over btw voor zzp\'ers. Toon: formeel. 800 woorden', 'formal'],
    ['Artykuł o podatkach dla księgowych, ton ekspercki, 900 słów', 'authoritative'],
    ['Wpis o nowym menu dla gości, ton przyjazny', 'friendly'],
    ['Article sur le marché de Noël pour les habitants, ton convivial', 'friendly'],
  ] as const) {
    const brief = await readBrief(text, new Date('2026-12-02T10:00:00Z'));
    assert.equal(brief.tone.value, tone, text);
  }
});
