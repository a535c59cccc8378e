// E-mail structure: who wrote the message, when, and which characters are their own words.
// A pasted lead is often a raw message (headers, MIME-encoded names), sometimes forwarded by the
// operator or a friend, sometimes with the operator's note above it or a quoted reply below.
// mailparser decodes the headers; email-reply-parser finds the quoted reply and the signature.
// Every part is kept as offsets into the pasted text, so what other readers find in it is a
// span of the source.
import * as chrono from 'chrono-node';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject } from 'mailparser';
import { spanAt, type Span } from './field.ts';

export interface Party {
  /** Decoded display name ("Jürgen Köhler" from "=?UTF-8?Q?J=C3=BCrgen...?="), or null. */
  name: string | null;
  address: string;
  /** Where the address is written in the source. */
  span: Span;
}

export interface Message {
  /** The author of the innermost message: for a forwarded lead, the lead, not the forwarder. */
  from: Party | null;
  /** Who forwarded it (the operator or a go-between), when it was forwarded. */
  forwardedBy: Party | null;
  /** The addresses the message was sent to: the operator's own, never the lead's. */
  to: string[];
  /** Who was copied in: in an introduction, the person introduced. */
  cc: Party[];
  /** When the message was sent, if its headers say. */
  date: Date | null;
  subject: string | null;
  /** The author's own words: headers, quoted reply and forwarding notes left out; signature kept. */
  body: Span;
  /** The signature block at the end of the body (closing, name, role, company, phone). */
  signature: Span | null;
  /** Text outside the author's body (an operator's note above, a forwarder's note), for context. */
  notes: Span[];
}

// A header's name may have a space before its colon, as French typography writes it ("De : ...").
const HEADER_LINE = /^(?:>[ \t]?)?(?:From|To|Cc|Bcc|Date|Sent|Subject|Reply-To|In-Reply-To|References|Return-Path|Received|Importance|Thread-[\w-]+|X-[\w-]+|MIME-Version|Content-[\w-]+|Message-ID|Von|An|Datum|Betreff|Från|Till|Skickat|Ämne|De|À|Objet|Envoyé|Van|Aan|Onderwerp|Verzonden|Para|Asunto|Enviado(?: el| em)?|Enviada em|Fecha|Assunto|Da|A|Inviato|Oggetto|Data)[ \t\u00a0\u202f]?:[^\n]*(?:\n[ \t][^\n]*)*/i;
const FORWARD_MARK = /^[ \t]*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|Doorgestuurd bericht|Vidarebefordrat meddelande)\s*-{2,}|Begin forwarded message:)[ \t]*$/im;
/** "-----Original Message-----" in any language: the start of a quoted earlier message, or of a forwarded one under a forward's subject. */
const ORIGINAL_MARK = /^[ \t]*-{3,}[ \t]*[\p{L} ]{4,40}[ \t]*-{3,}[ \t]*$/mu;
/**
 * A subject that says the message is forwarded: "Fwd:", "FW:", and Outlook's words in other languages (Spanish "RV:", Italian "I:",
 * Portuguese "Enc:", German "WG:", French "TR:", Dutch "Doorst:", Swedish "VB:", Polish "PD:"). Outlook forwards under an
 * "original message" mark, as it quotes a reply; the subject tells the two apart.
 */
const FORWARD_SUBJECT = /^[ \t]*(?:Fwd?|FW|RV|I|Enc|WG|TR|Doorst|VB|PD)[ \t]?:/i;
/** A line that ends the author's text when it starts a quote: "> ..." or "On ... wrote:". */
const QUOTE_LINE = /^[ \t]*>/m;

/** Offsets of a header block starting at `from` (consecutive header lines), or null. */
function headerBlockAt(text: string, from: number): { start: number; end: number } | null {
  let at = from;
  let lines = 0;
  while (at < text.length) {
    const match = HEADER_LINE.exec(text.slice(at));
    if (!match || match.index !== 0) break;
    at += match[0].length + 1;
    lines += 1;
  }
  return lines >= 2 ? { start: from, end: Math.min(at, text.length) } : null;
}

/** The first header block in the text that has a From line: the start of a pasted e-mail. */
function findHeaders(text: string, from = 0, quoted = false): { start: number; end: number } | null {
  // Apple Mail may quote a forwarded message whole, headers included ("> From: ..."); only a forward's inner block is looked for so.
  for (const match of text.slice(from).matchAll(quoted ? /^(?:>[ \t]?)?(?:From|Von|Från|De|Van|Da)[ \t\u00a0\u202f]?:/gim : /^(?:From|Von|Från|De|Van|Da)[ \t\u00a0\u202f]?:/gim)) {
    let start = from + match.index;
    // A block may start a few header lines before its From (Date:, Subject: first).
    while (start > 0) {
      const previousLineStart = text.lastIndexOf('\n', start - 2) + 1;
      const previous = text.slice(previousLineStart, start - 1);
      if (!HEADER_LINE.test(previous) || HEADER_LINE.exec(previous)?.index !== 0 || (!quoted && previous.startsWith('>'))) break;
      start = previousLineStart;
    }
    const block = headerBlockAt(text, start);
    if (block) return block;
  }
  return null;
}

const firstAddress = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value[0] : value)?.value[0];

/** A parsed address as a Party, when the address is written in the header block. */
function partyAt(source: string, block: { start: number; end: number }, entry: { name?: string; address?: string } | undefined): Party | null {
  if (!entry?.address) return null;
  const at = source.toLowerCase().indexOf(entry.address.toLowerCase(), block.start);
  return at >= 0 && at < block.end ? { name: entry.name || null, address: source.slice(at, at + entry.address.length), span: spanAt(source, at, at + entry.address.length) } : null;
}

async function partyIn(source: string, block: { start: number; end: number }): Promise<{ from: Party | null; to: string[]; cc: Party[]; date: Date | null; subject: string | null }> {
  const headers = source.slice(block.start, block.end).replace(/^>[ \t]?/gm, '');
  // Localised header names ("Från:", "Von:", "Para:") are read as their English ones.
  const normalised = headers
    // French typography puts a space before the colon ("De : ..."); the parser wants none.
    .replace(/^([\p{L}-]+)[ \t\u00a0\u202f]:/gimu, '$1:')
    .replace(/^(Von|Från|De|Van|Da):/gim, 'From:')
    .replace(/^(An|Till|À|Aan|Para|A):/gim, 'To:')
    .replace(/^(Betreff|Ämne|Objet|Onderwerp|Asunto|Assunto|Oggetto):/gim, 'Subject:');
  const parsed = await simpleParser(`${normalised.trimEnd()}\n\n`, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const from = partyAt(source, block, firstAddress(parsed.from));
  const entries = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) => group.value);
  const to = entries(parsed.to).map((entry) => entry.address ?? '').filter(Boolean);
  const cc = entries(parsed.cc).flatMap((entry) => partyAt(source, block, entry) ?? []);
  return { from, to, cc, date: dateHeader(headers), subject: parsed.subject ?? null };
}

/** The Date header, RFC 5322 or as mail clients write it in a forwarded block ("Mon, Nov 30, 2026 at 11:04 PM"). */
function dateHeader(headers: string): Date | null {
  const value = /^(?:Date|Datum|Sent|Skickat|Envoyé|Verzonden)[ \t\u00a0\u202f]?:[ \t]*(.+)$/im.exec(headers)?.[1];
  if (!value) return null;
  const strict = new Date(value);
  return Number.isNaN(strict.getTime()) ? chrono.parseDate(value.replace(/\bat\b/, '')) : strict;
}

/** Where the author's own text ends: before a quoted reply or an "original message" block. */
function quoteStart(source: string, start: number, end: number): number {
  const text = source.slice(start, end);
  const cuts = [ORIGINAL_MARK.exec(text)?.index, QUOTE_LINE.exec(text)?.index];
  const quoted = new EmailReplyParser().read(text).getFragments().find((fragment) => fragment.isQuoted());
  if (quoted) {
    const firstLine = quoted.getContent().split('\n').find((line) => line.trim().length > 0);
    if (firstLine) cuts.push(text.indexOf(firstLine.trim()));
  }
  const cut = Math.min(...cuts.filter((at): at is number => at !== undefined && at >= 0), text.length);
  return start + cut;
}

/**
 * The signature: the trailing lines of the body that are short and are not sentences (a closing,
 * name, role, company, address, phone). email-reply-parser's own signature marks ("--", "Sent
 * from my ...") start it too.
 */
function signatureOf(source: string, body: Span): Span | null {
  const lines = body.text.replace(/\s+$/, '').split('\n');
  let offsets = 0;
  const starts = lines.map((line) => {
    const at = offsets;
    offsets += line.length + 1;
    return at;
  });
  let first = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    const sentence = line.length > 60 || (/[.!?]$/.test(line) && line.split(/\s+/).length > 4 && !/^(?:sent from|envoyé de)/i.test(line));
    if (sentence) break;
    first = i;
  }
  // A signature starts with a closing, a name or "--", not with a form's "Label: value", "field_name=value"
  // or question label ("What's your budget?: $8,000") line.
  // A field left empty ("Email:") is a form's line too, and so is one whose label names its unit ("Budget (EUR): 4000").
  // A form's fields may be a bulleted list ("- Audience: ..."), and a label may hold a hyphen ("E-Mail:", "Code-Postal:").
  while (first < lines.length && (lines[first]!.trim() === '' || /^(?:[-*•][ \t]*)?[\p{L}_ '’-]{2,40}(?:\s?\([\p{L} ]{1,12}\))?\??(?::|\s*=)(?:\s*\S|$)/u.test(lines[first]!.trim()))) first += 1;
  if (first >= lines.length) return null;
  const start = body.start + starts[first]!;
  const end = body.start + body.text.replace(/\s+$/, '').length;
  // A body that is nothing but short lines (a chat line, a form) has no separate signature.
  // A body of nothing but short lines (blank lines above it aside) is no signature whole: its signature, if any, starts at its last closing ("cheers, Ravi").
  if (lines.slice(0, first).every((line) => line.trim() === '')) {
    const closing = lines.findLastIndex((line, i) => i > first && CLOSING.test(line.trim()));
    return closing < 0 ? null : spanAt(source, body.start + starts[closing]!, end);
  }
  return spanAt(source, start, end);
}

/** A line that closes a message: "Thanks!", "cheers, Ravi", "Best regards", "Viele Grüße", "--". */
const CLOSING = /^(?:-{2,}|(?:many |big )?thanks?(?: you)?|thx|cheers|best(?: wishes| regards)?|(?:kind |warm |best )?regards|br|ciao|(?:viele |liebe |beste )?grüße|mfg|cordialement|bien à vous|saludos|un saludo|abrazos|cordiali saluti|saluti|groeten|met vriendelijke groet|hälsningar|mvh|pozdrawiam)\b[\s,.!]*/iu;

/** A stretch of the source, as offsets. */
export type Region = { start: number; end: number };

/** Does the span lie inside one of the regions? */
export const within = (regions: Region[], start: number, end: number): boolean => regions.some((r) => start >= r.start && end <= r.end);

/**
 * The lines to read a request from, one region per line: the notes around the message (the
 * operator's "can you invoice this?") and the author's body, signature included; headers and
 * quoted replies are left out, so what an earlier message said is history, not the request.
 */
export function readableLines(source: string, message: Message): Region[] {
  const lines: Region[] = [];
  for (const part of [...message.notes, message.body].sort((a, b) => a.start - b.start)) {
    let start = part.start;
    for (const match of part.text.matchAll(/\r?\n/g)) {
      lines.push({ start, end: part.start + match.index });
      start = part.start + match.index + match[0].length;
    }
    lines.push({ start, end: part.end });
  }
  return lines;
}

/** Reads the structure of a pasted message; plain text with no headers is all body. */
export async function readMessage(source: string): Promise<Message> {
  const outer = findHeaders(source);
  if (!outer) {
    const body = spanAt(source, 0, quoteStart(source, 0, source.length));
    return { from: null, forwardedBy: null, to: [], cc: [], date: null, subject: null, body, signature: signatureOf(source, body), notes: [] };
  }
  const notes: Span[] = [];
  if (source.slice(0, outer.start).trim()) notes.push(spanAt(source, 0, outer.start));
  const outerHeaders = await partyIn(source, outer);
  const forward = FORWARD_MARK.exec(source.slice(outer.end)) ?? (FORWARD_SUBJECT.test(outerHeaders.subject ?? '') ? ORIGINAL_MARK.exec(source.slice(outer.end)) : null);
  const inner = forward ? findHeaders(source, outer.end + forward.index + forward[0].length, true) : null;
  if (forward && inner) {
    const innerHeaders = await partyIn(source, inner);
    const bodyStart = inner.end;
    // A forwarder's note may follow the forwarded message after a rule ("---").
    const rule = /^[ \t]*-{3,}[ \t]*$/m.exec(source.slice(bodyStart));
    // A forward quoted whole: its body is the quoted lines that follow its headers, up to a deeper quote.
    const quotedWhole = source[inner.start] === '>';
    const bodyEnd = quotedWhole ? bodyStart + (/^(?:>(?!>)[^\n]*(?:\n|$))*/.exec(source.slice(bodyStart))?.[0].replace(/\s+$/, '').length ?? 0) : quoteStart(source, bodyStart, rule ? bodyStart + rule.index : source.length);
    if (source.slice(outer.end, outer.end + forward.index).trim()) notes.push(spanAt(source, outer.end, outer.end + forward.index));
    if (rule) notes.push(spanAt(source, bodyStart + rule.index, source.length));
    const body = spanAt(source, bodyStart, bodyEnd);
    return {
      from: innerHeaders.from ?? outerHeaders.from,
      forwardedBy: outerHeaders.from,
      to: innerHeaders.to,
      cc: innerHeaders.cc,
      date: innerHeaders.date ?? outerHeaders.date,
      subject: innerHeaders.subject ?? outerHeaders.subject,
      body,
      signature: signatureOf(source, body),
      notes,
    };
  }
  const body = spanAt(source, outer.end, quoteStart(source, outer.end, source.length));
  return { ...outerHeaders, forwardedBy: null, body, signature: signatureOf(source, body), notes };
}
