// Phone numbers, found and validated by libphonenumber-js (Google's libphonenumber metadata), so
// "+49 151 77314242" and "+1 (415) 555-0143" are numbers while a date, an amount or an order
// number is not. A number written without its country code ("030 1234567") is only found when
// the caller knows the country it was written in.
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { spanAt, type Field } from './field.ts';

/** Phone numbers in the text, as written, each with its span and the E.164 form it stands for. */
export function readPhones(source: string, defaultCountry?: CountryCode): (Field<string> & { e164: string })[] {
  return findPhoneNumbersInText(source, defaultCountry ? { defaultCountry } : undefined).map(({ number, startsAt, endsAt }) => {
    const span = spanAt(source, startsAt, endsAt);
    // A number with its country code says which number it is; a national one rests on the caller's country.
    const confidence = span.text.trimStart().startsWith('+') || span.text.startsWith('00') ? 0.95 : 0.8;
    return { value: span.text, e164: number.number, evidence: { kind: 'span', span }, confidence, via: 'rules' };
  });
}
