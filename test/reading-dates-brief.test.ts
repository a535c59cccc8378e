// Deadlines relative to when the text was written, and content briefs read into topic, audience,
// tone, format, length and deadline. Texts written for these tests, not taken from the corpus.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readBrief } from '../src/reading/brief.ts';
import { readDeadline } from '../src/reading/dates.ts';
import { spanAt, spanHolds } from '../src/reading/field.ts';

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
  ];
  for (const [text, written, by] of cases) {
    test(`"${text}" written ${written.slice(0, 10)} is ${by ?? 'no deadline'}`, () => {
      const read = deadline(text, written);
      assert.equal(read.value?.by ?? null, by);
      if (read.evidence.kind === 'span') assert.ok(spanHolds(text, read.evidence.span));
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

  test('a brief that names no topic and no readers has neither, so the plan asks', async () => {
    const brief = await readBrief('can you do the usual newsletter, friendly, by Friday', new Date('2026-12-02T10:00:00Z'));
    assert.deepEqual([brief.topic.value, brief.audience.value], [null, null]);
  });

  test('"for" inside the topic is not the audience; a "for" that starts its own clause is', async () => {
    const brief = await readBrief('Guide to VAT registration for online sellers, for first-time founders, 900 words', new Date('2026-12-02T10:00:00Z'));
    assert.match(brief.topic.value ?? '', /VAT registration/);
    assert.equal(brief.audience.value, 'first-time founders');
  });
});
