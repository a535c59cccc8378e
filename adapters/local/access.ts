// Who may use the local workspace. Whoever reaches it acts as the operator, so it answers only
// this machine, unless WORKSPACE_TOKEN is set: then other hosts may use it with the token.
// A page on another site, opened in the operator's own browser, is refused too: it could
// otherwise click Approve through the browser (cross-site requests, DNS rebinding).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { peerAddress } from '../../src/http/front-door.ts';

export const TOKEN_COOKIE = 'operator_workspace';

export type Access = { ok: true } | { ok: false; reason: string };

const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOCAL_HOST_NAME = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries: the workspace cookie (browsers) or a bearer header (scripts). */
export function carriedToken(request: IncomingMessage): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** True for a request from this machine that also names this machine (no DNS rebinding). */
export function fromThisMachine(request: IncomingMessage): boolean {
  return LOOPBACK_ADDRESS.test(peerAddress(request)) && LOCAL_HOST_NAME.test(request.headers.host ?? '');
}

/** Refuses requests a page on another site made through the operator's browser. */
function crossSite(request: IncomingMessage): string | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `a request from another site (${site}) was refused`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}` && origin !== `https://${request.headers.host}`) {
    return `a request from ${origin} was refused: the workspace only takes requests from its own page`;
  }
  return null;
}

export function checkAccess(request: IncomingMessage, token: string | undefined): Access {
  const forged = crossSite(request);
  if (forged) return { ok: false, reason: forged };
  if (fromThisMachine(request)) return { ok: true };
  if (token && sameToken(carriedToken(request), token)) return { ok: true };
  return {
    ok: false,
    reason: token
      ? `This workspace needs its token from other hosts: open http://${request.headers.host ?? '<host>'}/?token=<WORKSPACE_TOKEN>, or send "Authorization: Bearer <WORKSPACE_TOKEN>".`
      : 'This workspace only answers localhost. To use it from another host, set WORKSPACE_TOKEN (openssl rand -hex 16), restart Operator and open /?token=<WORKSPACE_TOKEN>.',
  };
}
