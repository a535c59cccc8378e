// A role mailbox (invoices@, billing@, rechnungen@, factures@ ...) reaches a company's function,
// not a person: it is business contact data an invoice needs, like a VAT ID, so masking keeps it.
// The rule: the local part is a role word, or two role words joined by a dot, hyphen or underscore
// ("accounts-payable", "buchhaltung.rechnungen"), two role words run together ("billingteam"), or a
// function named in several words ("cuentasporpagar", Spanish for accounts payable). The words are RFC 2142's and the common finance
// and front-desk functions, in the languages of the customers Operator bills (English, German,
// French, Spanish, Italian, Portuguese, Dutch, the Nordic languages, Polish, Czech). Any other
// local part ("jane.doe", "marta.invoices") is taken to be a person's and masked.
import type { Span } from './business-ids.ts';

const ROLE_WORDS: Record<string, string> = {
  en: 'accounting accounts accountspayable payable receivable payables receivables ap ar admin billing bookkeeping contact enquiries inquiries finance hello info invoice invoices invoicing office orders payments procurement purchasing sales support team help',
  de: 'rechnung rechnungen rechnungseingang eingangsrechnungen rechnungswesen buchhaltung finanzen einkauf verwaltung kontakt zentrale vertrieb verkauf bestellung bestellungen',
  fr: 'facture factures facturation comptabilite compta finances achats administration commandes ventes accueil paiement paiements reglements',
  es: 'factura facturas facturacion contabilidad administracion compras ventas pedidos pagos contacto',
  it: 'fattura fatture fatturazione amministrazione contabilita acquisti vendite ordini pagamenti contatti',
  pt: 'fatura faturas faturacao faturamento contabilidade financeiro vendas pagamentos contato',
  nl: 'factuur facturen facturatie boekhouding administratie crediteuren debiteuren inkoop verkoop betalingen',
  nordic: 'faktura fakturor fakturaer fakturering laskutus regnskab regnskap bogholderi bokforing ekonomi okonomi salg',
  pl: 'faktury ksiegowosc finanse biuro',
  cs: 'fakturace ucetni',
};
const ROLES = new Set(Object.values(ROLE_WORDS).flatMap((words) => words.split(' ')));
/** Functions named in several words, as a local part writes them: run together or joined ("cuentasporpagar", "contas.a.pagar"). */
const ROLE_PHRASES = new Set(
  ['accounts payable', 'accounts receivable', 'cuentas por pagar', 'cuentas por cobrar', 'cuentas a pagar', 'contas a pagar', 'contas a receber', 'comptes fournisseurs', 'contabilita fornitori', 'kreditoren buchhaltung'].map((phrase) =>
    phrase.replace(/ /g, ''),
  ),
);
/** Two role words run together ("billingteam", "facturasproveedores" is not: "proveedores" is no role word). */
const twoRolesRunTogether = (word: string) => [...word].some((_, i) => i > 1 && ROLES.has(word.slice(0, i)) && ROLES.has(word.slice(i)));

const EMAIL = /(?<![\w.+-])([\w.+-]+)@[\w-]+(?:\.[\w-]+)+\b/g;

/** Whether an address's local part names a function rather than a person. */
export function isRoleLocalPart(localPart: string): boolean {
  const words = localPart.toLowerCase().split(/[._-]/);
  if (ROLE_PHRASES.has(words.join(''))) return true;
  return words.length <= 2 && words.every((word) => ROLES.has(word) || (words.length === 1 && twoRolesRunTogether(word)));
}

/** Where the text holds role mailboxes, in order. */
export function roleMailboxSpans(text: string): Span[] {
  return [...text.matchAll(EMAIL)].filter((match) => isRoleLocalPart(match[1]!)).map((match) => ({ start: match.index, end: match.index + match[0].length }));
}
