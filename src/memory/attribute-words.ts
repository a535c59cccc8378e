// The words a question uses to ask for each attribute an action takes from memory, in the
// languages Operator's customers write (English, German, French, Spanish, Italian, Portuguese,
// Dutch, the Nordic languages, Polish, Czech, Turkish): "betalingstermijn van leeuwen?" asks what
// "payment terms of van leeuwen?" asks. Accents are optional in questions ("direccion", "wahrung"),
// so words are written and matched without them. Changes when a way of asking is added.
import type { Attribute } from './facts.ts';
import { foldAccents } from './words.ts';

/** Case-insensitive whole words or phrases, each a regular expression's source. */
const words = (...sources: string[]) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${sources.join('|')})(?![\\p{L}\\p{N}])`, 'iu');

/**
 * The names of a VAT or tax number, in every language above (Spain's CIF and NIF, Mexico's RFC,
 * Chile's RUT, Poland's NIP, Hungary's adószám ...): what a question asks for and what a note labels
 * one with (see facts.ts).
 */
const TAX_NUMBER_WORDS = words(
  'vat', 'ust(?:-?id(?:nr)?)?', 'umsatzsteuer(?:-?id)?', 'steuer(?:nummer|-?id)', 'tva', 'iva', 'p\\.? ?iva', 'nif', 'cif', 'rfc', 'btw(?:-?nummer)?', 'kvk', 'mva', 'moms(?:nummer|nr)?',
  'cvr', 'tin', 'gst', 'abn', 'uid(?:-?(?:nummer|nr))?', 'rut', 'tax (?:id|number|no)', 'vergi(?: no| numarasi)?', 'vkn', 'nip', 'dic', 'adoszam', 'siren', 'siret',
  'org(?:ani[sz]ation)?\\.? ?(?:number|no|nr)\\.?', 'organisasjonsnummer', 'y-tunnus',
);

/** Whether a text names a VAT or tax number, with or without accents. */
export const namesATaxNumber = (text: string) => TAX_NUMBER_WORDS.test(foldAccents(text));

/** Most specific first: "e-mail address" asks for the mailbox, not the postal address; "the day rate in euros" for the rate. */
const ASKED: [Attribute, RegExp][] = [
  // The US employer number in capitals: German "ein" is "a".
  ['vat_id', /\bEIN\b/],
  ['vat_id', TAX_NUMBER_WORDS],
  // "AP" and "accounts payable" are the mailbox invoices go to ("lumen's AP address").
  ['billing_email', words('e-?mail(?:-?ad(?:dress|resse?|res)|ed)?', 'mail', 'mailbox', 'inbox', 'mailadres', 'accounts payable', 'AP', 'courriel', 'correo', 'posta elettronica', 'pec', 'e-?post(?:adress?e?)?', 'correio eletronico')],
  [
    'payment_terms',
    words(
      'payment terms', 'terms', 'payment days?', 'pay(?:s)? within', 'pay(?:s)? in \\d+', 'how (?:fast|quickly|long|soon|many days)\\b.*\\bpay', 'net \\d+', 'due',
      '(?:more |fewer |extra )?days to pay', 'pay(?:s)? (?:at|by) (?:the )?end of (?:the )?month', 'end of (?:the )?month', 'eom',
      'zahlungs(?:ziel|bedingungen|frist)', 'delai de paiement', 'conditions de paiement', 'echeance', 'plazo de pago', 'condiciones de pago', 'dias de pago',
      'termini di pagamento', 'scadenza', 'giorni (?:per pagar\\w*|di pagamento)', 'dias para pagar\\w*', 'tage (?:zum|bis zur?) zahl\\w*', 'betalings?termijn', 'betaaltermijn', 'betalingsvoorwaarden', 'prazo de pagamento', 'condicoes de pagamento',
      'betalingsbetingelser', 'betalningsvillkor', 'betalingsfrist', 'maksuaika', 'maksuehdot', 'termin platnosci', 'odeme vadesi',
    ),
  ],
  ['currency', words('currency', 'which money', 'wahrung', 'devise', 'monnaie', 'moneda', 'divisa', 'valuta', 'munteenheid', 'moeda', 'waluta', 'mena', 'para birimi')],
  [
    'rate',
    words(
      'rate', 'per (?:day|hour)', '(?:a|an) (?:day|hour)', 'hourly', 'daily', 'retainer', 'fee', 'charge', 'stundensatz', 'tagessatz', 'honorar', 'pro (?:stunde|tag)',
      'tarifa?', 'tjm', 'taux (?:journalier|horaire)', 'par (?:heure|jour)', 'por (?:hora|dia)', 'tariffa', 'compenso', "all['’]ora", 'al giorno', 'cobr(?:amos|ar|an)',
      '(?:uur|dag)?tarief', 'per (?:uur|dag)', 'preco (?:por|a) (?:hora|dia)', 'tim(?:e)?pris', 'dag(?:s)?pris', 'stawka', 'sazba', 'ucret',
    ),
  ],
  [
    'contact',
    words(
      'contact', 'point of contact', 'point person', 'who (?:do|should) (?:we|i) (?:talk|speak|write|deal|work)', 'who (?:now )?(?:handles|runs|replaced|took over)', 'who(?: is|[\'’]s) our', 'contacto', 'interlocut(?:eur|rice|or)',
      'referente', 'contatto', 'ansprechpartner(?:in)?', 'kontakt(?:person|osoba)?', 'contactpersoon', 'aanspreekpunt', 'contato', 'yhteyshenkilo', 'ilgili kisi',
    ),
  ],
  // "did they move?" asks where they are now.
  [
    'billing_address',
    words(
      'address', 'addres', 'adress', 'adres', 'street(?: address)?', 'strasse', 'adresse', 'anschrift', 'rechnungsadresse', 'direccion', 'domicilio', 'indirizzo', 'endereco', 'morada', 'postal', 'moved?',
      'relocated?', 'where (?:do|should) (?:we|i) (?:send|bill|post)', 'located', 'office', 'bill(?:ing)? to', 'send(?:ing)? (?:the |our )?invoices to', 'invoices? (?:go|goes|went) to', 'umgezogen', 'demenage', 'mudad[oa]s?', 'mudaron',
      'trasferit[oi]', 'verhuisd', 'flyttet', 'flyttat', 'factuuradres', 'fakturaadress?e?', 'sitz', 'siege', 'adresa',
    ),
  ],
  // Last: "billing them in dollars?" asks for the currency, "the day rate in euros" for the rate.
  ['currency', words('in (?:dollars?|euros?|pounds?|sterling|yen|francs?|kron(?:e|er|a|or)|zloty|lira|yuan|rupees?)')],
];

/** The attribute a question asks for, if it asks for one. */
export function attributeAsked(question: string): Attribute | null {
  const unaccented = foldAccents(question);
  return ASKED.find(([, pattern]) => pattern.test(unaccented))?.[0] ?? null;
}
