// A role mailbox (invoices@, billing@, accounts-payable@ ...) reaches a company's function, not a
// person: it is business contact data an invoice needs, like a VAT ID, so masking keeps it. The
// roles are RFC 2142's and the common finance and front-desk ones; any address whose local part
// is not one of them is treated as a person's and masked.
import type { Span } from './business-ids.ts';

const ROLES = [
  'accounting', 'accounts', 'accountspayable', 'accounts-payable', 'accounts.payable', 'ap', 'ar', 'admin', 'billing', 'bookkeeping', 'contact',
  'enquiries', 'finance', 'hello', 'info', 'invoice', 'invoices', 'invoicing', 'office', 'orders', 'payables', 'payments', 'procurement',
  'purchasing', 'receivables', 'sales', 'support', 'team',
];

const ROLE_MAILBOX = new RegExp(`(?<![\\w.+-])(?:${ROLES.map((role) => role.replace('.', '\\.')).join('|')})@[\\w-]+(?:\\.[\\w-]+)+\\b`, 'gi');

/** Where the text holds role mailboxes, in order. */
export function roleMailboxSpans(text: string): Span[] {
  return [...text.matchAll(ROLE_MAILBOX)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
}
