// Mail providers anyone can have an address at: their domain says nothing about whom the address
// belongs to. One list for reading (a lead's organisation from the sender's domain) and memory
// (whose a note is, from the domains it holds).
const SHARED_PROVIDERS = new Set(
  'gmail googlemail outlook hotmail live yahoo icloud me proton protonmail gmx web aol mail mailbox posteo yandex zoho fastmail orange free libero t-online'.split(' '),
);
/** Second-level labels under which countries register names ("co.uk", "com.tr"): not the holder's name. */
const REGISTRY_LABELS = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ltd', 'plc']);

/** The label that names a domain's holder: "gmx" in gmx.de, "yahoo" in yahoo.co.uk. */
export function holderLabel(domain: string): string {
  const labels = domain.toLowerCase().split('.').slice(0, -1);
  if (labels.length > 1 && REGISTRY_LABELS.has(labels.at(-1)!)) labels.pop();
  return labels.at(-1) ?? '';
}

/** Whether the domain (gmail.com, gmx.de, posteo.de, yahoo.co.uk, ...) is a mail provider's that anyone can use. */
export const isSharedMailDomain = (domain: string) => SHARED_PROVIDERS.has(holderLabel(domain));
