// Secrets and personal data never reach logs or the audit trail in clear. Keys that name a
// secret are masked whole; strings are scrubbed for obvious PII and credential shapes, except
// business identifiers (VAT IDs, company and tax numbers) and role mailboxes (invoices@...),
// which are business data.
import { readPhones } from '../reading/phones.ts';
import { businessIdSpans, inOrderWithoutOverlaps } from './business-ids.ts';
import { roleMailboxSpans } from './role-mailboxes.ts';

const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|signature|credential/i;

const PATTERNS: [RegExp, string][] = [
  [/\b(?:xox[abprs]|xapp)-[A-Za-z0-9-]{10,}/g, '[slack-token]'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, '[api-key]'],
  [/\b(?:Bearer|Bot)\s+[A-Za-z0-9._~+/-]{16,}=*/g, '[credential]'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '[email]'],
  [/\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b/g, '[iban]'],
  [/\b\d(?:[ -]?\d){12,18}\b/g, '[card]'],
  // libphonenumber-js finds numbers written with their country code (maskPhones); a national
  // number ("07700 900123") needs its country, which a log line does not say, so any digit run
  // of a phone's shape is masked too. Not IPv4 addresses (127.0.0.1) nor ISO dates (2026-11-24).
  [/(?<![\w-])(?!\d{1,3}(?:\.\d{1,3}){3}(?![\d.])|\d{4}-\d{2}-\d{2}(?!\d))\+?\d[\d ().-]{7,}\d\b/g, '[phone]'],
];

/** Phone numbers libphonenumber-js recognises, replaced from the end so earlier offsets hold. */
function maskPhones(text: string): string {
  return readPhones(text).reduceRight(
    (masked, { evidence }) => (evidence.kind === 'span' ? `${masked.slice(0, evidence.span.start)}[phone]${masked.slice(evidence.span.end)}` : masked),
    text,
  );
}

const maskPersonalData = (text: string) => PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), maskPhones(text));

/** What masking keeps: business identifiers and role mailboxes. */
const businessSpans = (text: string) => inOrderWithoutOverlaps([...businessIdSpans(text), ...roleMailboxSpans(text)]);

export function redactText(text: string): string {
  let masked = '';
  let at = 0;
  for (const kept of businessSpans(text)) {
    masked += maskPersonalData(text.slice(at, kept.start)) + text.slice(kept.start, kept.end);
    at = kept.end;
  }
  return masked + maskPersonalData(text.slice(at));
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactText(value.message), stack: value.stack && redactText(value.stack) };
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactValue(item, depth + 1)]),
  );
}
