// How amounts and currencies were read out of free text before issue 11 (workflows/shared/money.ts,
// kept verbatim): the money helpers both same-run reading baselines use.

const SYMBOLS: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP' };
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'CAD', 'AUD', 'JPY'] as const;

/** "15k", "15,000", "1.5m" as a number. */
export function parseAmount(text: string): number | null {
  const match = /^(\d[\d,]*(?:\.\d+)?)\s*([km])?$/i.exec(text.trim());
  if (!match) return null;
  const base = Number(match[1]!.replace(/,/g, ''));
  const scale = match[2]?.toLowerCase() === 'k' ? 1_000 : match[2]?.toLowerCase() === 'm' ? 1_000_000 : 1;
  return Number.isFinite(base) ? base * scale : null;
}

/** The first currency named in the text, by code or symbol. */
export function findCurrency(text: string): string | null {
  const code = new RegExp(`\\b(${CURRENCIES.join('|')})\\b`, 'i').exec(text);
  if (code) return code[1]!.toUpperCase();
  const symbol = /[€$£]/.exec(text);
  return symbol ? SYMBOLS[symbol[0]]! : null;
}

/** An amount with a currency or money word near it: "budget of 15k EUR", "€12,000". */
export function findMoney(text: string): { amount: number; currency: string | null } | null {
  const match =
    /([€$£])\s?(\d[\d,]*(?:\.\d+)?\s*[km]?)\b/i.exec(text) ??
    /(\d[\d,]*(?:\.\d+)?\s*[km]?)\s*(EUR|USD|GBP|CHF|euros?|dollars?|pounds?)\b/i.exec(text) ??
    /budget(?:\s+is|\s+of|:)?\s*(?:about|around|roughly|up to)?\s*(\d[\d,]*(?:\.\d+)?\s*[km]?)\b/i.exec(text);
  if (!match) return null;
  const [amountText, currencyText] = /[€$£]/.test(match[1]!) ? [match[2]!, match[1]!] : [match[1]!, match[2] ?? ''];
  const amount = parseAmount(amountText);
  if (amount === null) return null;
  const word = currencyText.toLowerCase();
  const currency = SYMBOLS[currencyText] ?? (word.startsWith('euro') ? 'EUR' : word.startsWith('dollar') ? 'USD' : word.startsWith('pound') ? 'GBP' : currencyText ? currencyText.toUpperCase() : findCurrency(text));
  return { amount, currency };
}

