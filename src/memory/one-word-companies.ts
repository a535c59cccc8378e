// Companies named by one word ("Hooli: day rate 850 EUR"). One capitalised word is no evidence
// by itself (a sentence's first word, a first name, a month, a note's "Update:" heading), so a word
// counts only where the text gives it a company's role: heading a note ("Hooli:"), owning
// business things ("Hooli's invoices"), after a role noun ("client Hooli") or after "for" or "at"
// ("invoiced for Hooli", "she works at Hooli"); and only when it is no ordinary English word,
// first name, place or date (see english-words.ts).
import { isOrdinaryWord } from './english-words.ts';

/** A capitalised word with a lower-case letter in it ("Hooli", "KLog"; not "VAT" or "FYI"). */
const NAME = '((?=\\p{Lu}[\\p{L}\\p{M}-]*\\p{Ll})\\p{Lu}[\\p{L}\\p{M}-]*\\p{L})';
const END = '(?![\\p{L}\\p{M}-])';
/** What a company has that a note talks about. */
const BUSINESS_THINGS =
  'invoices?|billing|bills?|day rate|daily rate|hourly rate|rates?|retainer|payment terms|terms|payments?|VAT|address|accounts?|contracts?|orders?|PO|purchase orders?|budget|finance|procurement|team|office|project|website|CFO|CEO|CTO';
const ROLE_NOUNS = 'client customer supplier vendor partner prospect company firm agency startup studio'
  .split(' ')
  .map((noun) => `[${noun[0]!.toUpperCase()}${noun[0]}]${noun.slice(1)}`)
  .join('|');

const CONTEXTS = [
  // A note (or a line of one) headed by the name.
  new RegExp(`(?:^|\\n)\\s*${NAME}:\\s`, 'gu'),
  new RegExp(`(?<![\\p{L}\\p{M}-])${NAME}['’]s\\s+(?:${BUSINESS_THINGS})\\b`, 'gu'),
  new RegExp(`\\b(?:${ROLE_NOUNS})\\s+${NAME}${END}(?!\\s+\\p{Lu})`, 'gu'),
  // Not followed by a second capitalised word ("for Jake Morrison" names a person, "at Helios Solar"
  // a longer name) nor a number ("at Überseeallee 8" is a street).
  new RegExp(`\\b(?:for|at)\\s+${NAME}${END}(?!\\s+(?:\\p{Lu}|\\d))`, 'gu'),
];

/** The one-word company names a text gives a company's role, as written. */
export function oneWordCompanies(text: string): string[] {
  const names = CONTEXTS.flatMap((context) => [...text.matchAll(context)].map((match) => match[1]!));
  return [...new Set(names)].filter((name) => !isOrdinaryWord(name));
}
