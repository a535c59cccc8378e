// A request pasted as a raw e-mail (headers, body, a quoted earlier message, maybe a note from the
// operator above it) seen as regions of the one text, so that every value read from it keeps
// offsets into the text the operator sent. What a quoted earlier message says ("> the first one
// was 1.650 €") is history, not the request, and is left out of the regions to read.

export type Region = { start: number; end: number };

export type PastedEmail = {
  /** Where the sender's own words are: the operator's note, the body (signature included), never quotes. */
  readable: Region[];
  /** The From address of the message (the innermost one when it was forwarded), with its offsets. */
  from: { address: string; start: number; end: number } | null;
  /** Addresses in To/Cc headers: the operator's own, never a customer's recipient. */
  to: string[];
};

const HEADER = /^(From|To|Cc|Date|Subject|Message-ID|MIME-Version|Content-Type|Content-Transfer-Encoding|In-Reply-To|References|Reply-To|Sent|Von|An|Betreff|Datum|De|À|Objet|Para|Asunto|Fecha):/i;
const ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** "On Tue, Nov 24, 2026 at 5:40 PM Sam <...> wrote:", "Am 24.11.2026 schrieb ...:", "Le ... a écrit :" */
const QUOTE_INTRO = /^(?:On .+wrote:|Am .+schrieb.*:|Le .+a écrit ?:|El .+escribió:)\s*$/i;

/** The regions of a pasted e-mail to read; a chat line is one region, the whole text. */
export function readPastedEmail(text: string): PastedEmail {
  const lines = linesOf(text);
  const readable: Region[] = [];
  let from: PastedEmail['from'] = null;
  const to: string[] = [];
  let inHeaders = false;
  let quoting = false;
  for (const line of lines) {
    const content = text.slice(line.start, line.end);
    if (HEADER.test(content) && (inHeaders || /^(From|Von|De):/i.test(content))) {
      inHeaders = true;
      const name = content.slice(0, content.indexOf(':')).toLowerCase();
      const addresses = [...content.matchAll(ADDRESS)];
      if (/^(from|von|de)$/.test(name) && addresses[0]) from = { address: addresses[0][0], start: line.start + addresses[0].index, end: line.start + addresses[0].index + addresses[0][0].length };
      if (/^(to|cc|an|para|à)$/.test(name)) to.push(...addresses.map((a) => a[0]));
      continue;
    }
    if (inHeaders && content.trim() === '') {
      inHeaders = false;
      continue;
    }
    if (inHeaders && /^\s/.test(content)) continue; // a folded header line
    inHeaders = false;
    if (QUOTE_INTRO.test(content.trim())) quoting = true;
    if (quoting || /^\s*>/.test(content) || /^-+\s*(?:Forwarded message|Original Message|Weitergeleitete Nachricht)\s*-+$/i.test(content.trim())) continue;
    readable.push(line);
  }
  return { readable, from, to };
}

function linesOf(text: string): Region[] {
  const lines: Region[] = [];
  let start = 0;
  for (const match of text.matchAll(/\r?\n/g)) {
    lines.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  lines.push({ start, end: text.length });
  return lines;
}

/** Does the span lie inside one of the regions? */
export const within = (regions: Region[], start: number, end: number): boolean => regions.some((r) => start >= r.start && end <= r.end);
