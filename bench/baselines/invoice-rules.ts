/**
 * Same-run baseline for `npm run bench -- reading` (invoices): how workflows/invoicing.ts read a
 * request before issue 11, kept verbatim (its money helpers in money-rules.ts) so the new readers
 * are measured against it in the same run.
 */
import { findCurrency, parseAmount } from './money-rules.ts';
export type RulesReading = {
  customer: string | null;
  lines: { description: string; quantity: number; unit: string; unitPrice: number }[];
  currency: string | null;
  taxRatePercent: number | null;
};

/** "invoice ACME for 3 days of consulting at 800/day and 2 hours of support at 90 EUR/hour" */
export function readRequestByRules(text: string): RulesReading {
  const customer = /\binvoice\s+(.+?)\s+for\s+\d/i.exec(text)?.[1]?.trim() ?? null;
  const lines: RulesReading['lines'] = [];
  const linePattern = /(\d+(?:\.\d+)?)\s*(days?|hours?|hrs?|items?|units?|x)?\s+(?:of\s+)?(.+?)\s+(?:at|@)\s*[€$£]?\s*(\d[\d,]*(?:\.\d+)?)\s*(?:[A-Z]{3}|[€$£])?\s*(?:\/|per\s+)?\s*(day|hour|hr|item|unit)?/gi;
  for (const match of text.matchAll(linePattern)) {
    const unitWord = (match[2] ?? match[5] ?? 'item').toLowerCase().replace(/s$/, '').replace(/^hr$/, 'hour').replace(/^x$/, 'item');
    lines.push({ description: capitalise(match[3]!.trim()), quantity: Number(match[1]), unit: unitWord, unitPrice: parseAmount(match[4]!) ?? 0 });
  }
  const tax = /(\d+(?:\.\d+)?)\s*%\s*(?:VAT|tax)/i.exec(text);
  return { customer, lines, currency: findCurrency(text), taxRatePercent: tax ? Number(tax[1]) : null };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
