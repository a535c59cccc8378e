// One spelling per word: what the embedder, the rerank stage and the keyword search all see.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keywordScore, queryStems } from '../src/memory/keyword-search.ts';
import { foldAccents, normaliseText, tokens } from '../src/memory/words.ts';

describe('words', () => {
  const cases: [string, string[]][] = [
    ["What did we agree with Kessler's team?", ['what', 'did', 'we', 'agree', 'with', 'kessler', 'team']],
    ['Kessler’s day rate', ['kessler', 'day', 'rate']],
    ["the Müllers' office", ['the', 'mullers', 'office']],
    ['Délacroix & Søn, Łódź', ['delacroix', 'son', 'lodz']],
    ['Straße 5, Zoë', ['strasse', '5', 'zoe']],
    ["we don't invoice e-mail-only clients", ['we', 'dont', 'invoice', 'e', 'mail', 'only', 'clients']],
    ['INV-42 / PO-7 [email]', ['inv', '42', 'po', '7', 'email']],
  ];
  for (const [text, expected] of cases) {
    test(`"${text}" reads as ${expected.join(' ')}`, () => assert.deepEqual(tokens(text), expected));
  }

  test('a possessive in the note meets the bare name in the question, and the other way round', () => {
    assert.equal(keywordScore(queryStems('Lumen invoices'), "Send Lumen's invoices to ap@lumen.example"), 1);
    assert.equal(keywordScore(queryStems('Kessler’s invoices?'), 'Kessler invoices go to the Hamburg office'), 1);
  });

  test('accents do not keep a name from matching', () => {
    assert.equal(keywordScore(queryStems('Delacroix day rate'), 'Délacroix agreed a day rate of 900'), 1);
    assert.equal(normaliseText('Ólafur Jónsson'), 'olafur jonsson');
  });
});

describe('accent folding', () => {
  test('folds accents and the letters Unicode does not decompose, keeping case', () => {
    assert.equal(foldAccents('Délacroix Keßler Ørsted ŁÓDŹ Æbeltoft'), 'Delacroix Kessler Orsted LODZ AEbeltoft');
  });
});
