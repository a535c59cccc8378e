// Business identifiers (VAT IDs, company registration and tax numbers) are business data that an
// invoice needs, not personal data: masking must keep them. They are recognised by their
// country's format (stdnum, a port of python-stdnum): a country-prefixed number such as
// "DE 123 456 789", "GB123456789", "NO 923 609 016 MVA", "FR40303265045", "TR4560123789", or a
// number behind a label that names it ("EIN 12-3456789", "SIREN 732 829 320", "HRB 12345",
// "Company No. 01234567", "VAT ID: 4560123789", "RUT 76.543.210-K", "RFC MLA150312KT4").
// A number of the right shape whose check digit is off is still kept: it is a mistyped or
// invented business ID, never a phone number or a card.
import { isValidIBAN } from 'ibantools';
import { entityValidators, type Validator } from 'stdnum';

export interface Span {
  start: number;
  end: number;
}

/** VAT prefixes that are not the ISO country code. */
const PREFIX_COUNTRY: Record<string, string> = { EL: 'GR', CHE: 'CH', ATU: 'AT' };

/**
 * A two-letter (or CHE, ATU) prefix, then groups of digits or capitals with single spaces, dots or
 * hyphens between them; the national part may open with one letter (Spain's "ESB46123456").
 */
const PREFIXED = /\b(CHE|ATU|[A-Z]{2})[ .-]?[A-Z]?[0-9][0-9A-Z]*(?:[ .-][0-9A-Z]+)*/g;

/** Labels that say the number after them belongs to a business, with the country whose formats apply (or none). */
/** A few words may stand between a label and its number ("EIN for the W-9 is 84-1234567"). */
const LABEL_TO_NUMBER = String.raw`(?:\s+(?:for|of|on|the|our|their|its|is|was|number|no\.?|nr\.?|W-?9)){0,4}\s*[:#]?\s*`;
const LABELLED = new RegExp(
  String.raw`\b(EIN|SIREN|SIRET|HRB|HRA|KvK|CRN|VKN|Vergi\s+(?:No\.?|numarası)|USt-?IdNr\.?|VAT\s+(?:ID|No\.?|number|reg(?:istration)?\.?\s+(?:No\.?|number))|Company\s+(?:No\.?|number|reg(?:istration)?\.?\s+(?:No\.?|number))|Companies\s+House|Org\.?\s*nr\.?|Organisasjonsnummer|Tax\s+ID|TIN|GST|ABN|NIP|NIF|CIF|RUT)${LABEL_TO_NUMBER}([0-9][0-9 .-]{3,16}[0-9](?:-[0-9Kk])?)`,
  'gi',
);

/** Mexico's RFC: three or four letters, the date of incorporation or birth, three checking characters. */
const RFC = new RegExp(String.raw`\b(RFC)${LABEL_TO_NUMBER}([A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3})\b`, 'g');

const SHAPE_ERRORS = new Set(['InvalidChecksum', 'InvalidComponent']);

/** Right format for the country: valid, or only its check digit or a component is off. */
function hasCountryFormat(validators: Validator[], value: string): boolean {
  return validators.some((validator) => {
    const result = validator.validate(value);
    return result.isValid || (result.error !== undefined && SHAPE_ERRORS.has(result.error.name));
  });
}

/** Where the text holds business identifiers, in order, not overlapping. */
export function businessIdSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(PREFIXED)) {
    const prefix = match[1]!;
    const validators = entityValidators[PREFIX_COUNTRY[prefix] ?? prefix];
    if (!validators || isValidIBAN(match[0].replace(/[ .-]/g, ''))) continue;
    // The groups may run on into a following code or word ("DE123456789 VAT"): the longest run of groups that fits wins.
    const groupEnds = [...match[0].matchAll(/[0-9A-Z]+/g)].map((group) => group.index + group[0].length).reverse();
    const end = groupEnds.find((at) => {
      const compact = match[0].slice(0, at).replace(/[ .-]/g, '');
      // Some countries' numbers have no prefix of their own and are written with the ISO code before them ("TR4560123789").
      return compact.length >= prefix.length + 7 && (hasCountryFormat(validators, compact) || hasCountryFormat(validators, compact.slice(prefix.length)));
    });
    if (end !== undefined) spans.push({ start: match.index, end: match.index + end });
  }
  for (const match of [...text.matchAll(LABELLED), ...text.matchAll(RFC)]) {
    const number = match[2]!;
    const start = match.index + match[0].length - number.length;
    spans.push({ start, end: start + number.length });
  }
  return inOrderWithoutOverlaps(spans);
}

/** The spans in order of where they start, each dropped that starts inside the one before it. */
export function inOrderWithoutOverlaps(spans: Span[]): Span[] {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  return ordered.filter((span, i) => i === 0 || span.start >= ordered[i - 1]!.end);
}
