/**
 * Same-run baseline for `npm run bench -- reading` (invoices): how workflows/invoicing.ts read a
 * request before issue 11, kept verbatim (with the two money helpers it used) so the new readers
 * are measured against it in the same run.
 */
export type RulesReading = {
  customer: string | null;
  lines: { description: string; quantity: number; unit: string; unitPrice: number }[];
  currency: string | null;
  taxRatePercent: number | null;
};

const SYMBOLS: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP' };
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'JPY'] as const;

function parseAmount(text: string): number | null {
  const match = /^(\d[\d,]*(?:\.\d+)?)\s*([km])?$/i.exec(text.trim());
  if (!match) return null;
  const base = Number(match[1]!.replace(/,/g, ''));
  const scale = match[2]?.toLowerCase() === 'k' ? 1_000 : match[2]?.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Number.isFinite(base) ? base * scale : null;
}

function findCurrency(text: string): string | null {
  const code = new RegExp(`\\b(${CURRENCIES.join('|')})\\b`, 'i').exec(text);
  if (code) return code[1]!.toUpperCase();
  const symbol = /[€$£]/.exec(text);
  return symbol ? SYMBOLS[symbol[0]]! : null;
}

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
