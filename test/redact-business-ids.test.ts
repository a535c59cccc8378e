// Masking keeps the business identifiers and role mailboxes an invoice needs and still masks
// personal data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { businessIdSpans } from '../src/privacy/business-ids.ts';
import { redactText } from '../src/privacy/redact.ts';

describe('masking and business identifiers', () => {
  const kept = [
    ['a UK VAT ID', 'Billing: Ridgeway Ltd, VAT GB 123 4567 89, net 30.', 'GB 123 4567 89'],
    ['a UK VAT ID written compact', 'VAT ID GB123456789', 'GB123456789'],
    ['a Norwegian VAT ID with its MVA suffix', 'Fjordlys AS, NO 923 609 016 MVA', 'NO 923 609 016 MVA'],
    ['a French VAT ID (IBAN-shaped, but not an IBAN)', 'TVA intracom FR40303265045', 'FR40303265045'],
    ['a German VAT ID with spaces', 'USt-IdNr.: DE 123 456 789.', 'DE 123 456 789'],
    ['a Dutch VAT ID', 'btw NL123456789B01', 'NL123456789B01'],
    ['an Austrian UID', 'UID ATU12345678', 'ATU12345678'],
    ['a Swiss UID with MWST', 'CHE-123.456.789 MWST', 'CHE-123.456.789 MWST'],
    ['a US EIN behind its label', 'Lumen Analytics Inc., EIN 12-3456789', '12-3456789'],
    ['a French SIREN behind its label', 'SIREN 732 829 320', '732 829 320'],
    ['a UK company number behind its label', 'Company No. 01234567', '01234567'],
    ['a role mailbox for invoices', 'Invoices go to accounts-payable@lumen.example from March.', 'accounts-payable@lumen.example'],
    ['a billing mailbox beside a VAT ID', 'VAT DE811234567, bills to Billing@Kessler.example', 'Billing@Kessler.example'],
    ['a German invoice mailbox', 'Rechnungen bitte an rechnungen@greenfield.example senden.', 'rechnungen@greenfield.example'],
    ['a German bookkeeping mailbox', 'cc buchhaltung@kessler.example', 'buchhaltung@kessler.example'],
    ['a German incoming-invoices mailbox', 'neu: rechnungseingang@kessler.example', 'rechnungseingang@kessler.example'],
    ['a French invoice mailbox', 'envoyer à factures@delacroix.example', 'factures@delacroix.example'],
    ['a French billing mailbox', 'facturation@delacroix.example', 'facturation@delacroix.example'],
    ['a French accounts mailbox', 'comptabilite@delacroix.example', 'comptabilite@delacroix.example'],
    ['a Spanish invoice mailbox', 'facturas@fernandez.example', 'facturas@fernandez.example'],
    ['a Spanish accounts mailbox', 'contabilidad@fernandez.example', 'contabilidad@fernandez.example'],
    ['an Italian invoice mailbox', 'fatture@rossi.example', 'fatture@rossi.example'],
    ['an Italian administration mailbox', 'amministrazione@rossi.example', 'amministrazione@rossi.example'],
    ['a Portuguese invoice mailbox', 'faturas@martins.example', 'faturas@martins.example'],
    ['a Norwegian invoice mailbox', 'faktura@fjordlys.example', 'faktura@fjordlys.example'],
    ['a Swedish invoice mailbox', 'fakturor@nygard.example', 'fakturor@nygard.example'],
    ['a Danish accounts mailbox', 'regnskab@orsted.example', 'regnskab@orsted.example'],
    ['two role words joined by a dot', 'buchhaltung.rechnungen@kessler.example', 'buchhaltung.rechnungen@kessler.example'],
    ['accounts payable in Spanish, run together', 'send ours to cuentasporpagar@arcos.example', 'cuentasporpagar@arcos.example'],
    ['accounts payable in Portuguese, joined by dots', 'contas.a.pagar@vale.example', 'contas.a.pagar@vale.example'],
    ['two role words run together', 'billingteam@lumen.example', 'billingteam@lumen.example'],
    ['a Polish office mailbox', 'biuro@drukarnia.example', 'biuro@drukarnia.example'],
    ['a Turkish tax number written with its country code', 'VAT ID: TR4560123789. Currency: EUR.', 'TR4560123789'],
    ['an EIN a few words after its label', 'Ridgeway pays by ACH; their EIN for the W-9 is 84-1234567.', '84-1234567'],
    ['a VAT number without a country code behind its label', 'VAT number: 4560123789', '4560123789'],
    ['a Spanish CIF whose national part opens with a letter', 'Invoices to the hotel; CIF ESB46123456.', 'ESB46123456'],
    ['a Mexican RFC behind its label', 'their RFC MLA150312KT4 goes on every invoice', 'MLA150312KT4'],
    ['a Chilean RUT ending in K', 'RUT 76.543.210-K', '76.543.210-K'],
    ['a GST number behind its label', 'GST number 118-452-906', '118-452-906'],
  ] as const;
  for (const [what, text, id] of kept) {
    test(`keeps ${what}`, () => assert.ok(redactText(text).includes(id), `${redactText(text)} keeps ${id}`));
  }

  const masked = [
    ['a personal e-mail', 'write to jane.doe@gmail.example please', 'jane.doe@gmail.example'],
    ['a personal e-mail beside a role mailbox', 'invoices@lumen.example, cc marta.invoices@lumen.example', 'marta.invoices@lumen.example'],
    ['a personal e-mail whose domain starts like a role', 'to billing.jones@lumen.example', 'billing.jones@lumen.example'],
    ['a personal e-mail ending in a German role word', 'anna.rechnungen@kessler.example', 'anna.rechnungen@kessler.example'],
    ['a personal e-mail starting with a French role word', 'factures.dupont@delacroix.example', 'factures.dupont@delacroix.example'],
    ['a personal e-mail that runs a role word and a name together', 'salesjones@lumen.example', 'salesjones@lumen.example'],
    ['a German IBAN', 'pay to DE89 3704 0044 0532 0130 00', '3704 0044'],
    ['a French IBAN', 'IBAN FR76 3000 6000 0112 3456 7890 189', '3000 6000'],
    ['a card number', 'card 4111 1111 1111 1111 exp 12/27', '4111 1111'],
    ['a mobile number', 'call me on +49 151 7731 4242', '7731'],
    ['a number beside a VAT ID', 'VAT GB123456789, mobile 07700 900123', '900123'],
    ['a Turkish IBAN with a mistyped check digit', 'IBAN TR34 0006 1005 1978 6457 8413 26', '1005 1978'],
    ['a phone number a few words after a VAT number', 'VAT number is 4560123789, or call the office on 030 1234567', '1234567'],
  ] as const;
  for (const [what, text, secret] of masked) {
    test(`masks ${what}`, () => assert.ok(!redactText(text).includes(secret), `${redactText(text)} hides ${secret}`));
  }

  test('an invoice number, a date and an address are not business identifiers', () => {
    assert.deepEqual(businessIdSpans('INV-000042 issued 2026-11-24 to Hauptstr. 1, 10115 Berlin'), []);
  });
});
