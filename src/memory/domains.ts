// E-mail and web domains, and whose they are. A domain is a company's, not a person's (the local
// part of an address is what is personal), so it is read before masking: a note that holds only
// "jane.doe@hooli-labs.com" stays tied to the company, and a question naming a company by its
// domain ("someone at heliossolar.nl") finds the company whose name the domain spells.
import { isSharedMailDomain } from '../reading/mail-domains.ts';
import { aliasesSpelled, knownAliases } from '../store/entities.ts';
import type { SqlRunner } from '../store/sql.ts';
import { withoutLegalForm } from './entities.ts';

const EMAIL = /\b[\w.+-]+@([\w-]+(?:\.[\w-]+)+)\b/g;
/** Top-level domains a bare domain must end in, so that "node.js" or "notes.md" is none. */
const TLDS = 'com net org io co biz info eu de at ch fr be nl lu es pt it ie uk se no dk fi is pl cz sk hu ro bg gr si hr ee lv lt tr us ca mx br ar au nz jp in sg hk za ae';
const WEB_DOMAIN = new RegExp(`(?<![\\w.@-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:${TLDS.split(' ').join('|')}))(?![\\w-]|\\.\\w)`, 'gi');

/** The organisations' domains a text holds, in e-mail addresses or on their own (never a mail provider's, see mail-domains.ts); call it before masking. */
export function domainsIn(text: string): string[] {
  const domains = [...text.matchAll(EMAIL), ...text.matchAll(WEB_DOMAIN)].map((match) => match[1]!.toLowerCase());
  return [...new Set(domains)].filter((domain) => !isSharedMailDomain(domain));
}

/**
 * Whether a domain looks like an organisation's name ("kessler-soehne.de" and "kessler sohne"), or
 * holds a name of several words run together after what the company makes ("mezcallosarcos.mx" and "los arcos").
 */
export function domainFits(domain: string, nameAlias: string): boolean {
  const label = domain.split('.')[0]!.replace(/-/g, '');
  const name = withoutLegalForm(nameAlias);
  const base = name.replace(/ /g, '');
  const first = nameAlias.split(' ')[0]!;
  return label === base || label.startsWith(base) || (first.length >= 4 && label.startsWith(first)) || (name.includes(' ') && base.length >= 6 && label.endsWith(base));
}

/**
 * The organisations a domain stands for: the one that holds it as an alias, and the known
 * organisation whose name the domain spells most fully ("acmetooling.com" is Acme Tooling's,
 * not Acme GmbH's, though both fit).
 */
export async function domainOwners(runner: SqlRunner, domain: string): Promise<string[]> {
  const [holder] = await knownAliases(runner, [domain]);
  const label = domain.split('.')[0]!.replace(/-/g, '');
  const prefixes = Array.from({ length: Math.max(0, label.length - 3) }, (_, i) => label.slice(0, i + 4));
  const fitting = [...(await knownAliases(runner, prefixes)), ...(await aliasesSpelled(runner, label))].filter((row) => row.entityKind === 'organisation' && domainFits(domain, row.alias));
  const [fullest] = fitting.sort((a, b) => b.alias.replace(/ /g, '').length - a.alias.replace(/ /g, '').length);
  return [...new Set([holder?.entityId, fullest?.entityId].filter((id) => id !== undefined))];
}
