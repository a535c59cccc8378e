import type { Config } from '../config/config.ts';
import { isRevoked } from '../store/revocations.ts';
import type { Store } from '../store/store.ts';

/** Someone acting from a chat platform: the platform's user id and, where it has them, role ids. */
export interface Actor {
  platform: string;
  userId: string;
  roleIds?: string[];
}

/**
 * The person at the local web workspace. The workspace answers only this machine, or holders of
 * WORKSPACE_TOKEN, so whoever reaches it is the operator.
 */
export const LOCAL_OPERATOR: Actor = { platform: 'local', userId: 'operator' };

/** How an actor is named in plans and the audit trail, e.g. slack:U012AB3CD. */
export const actorName = (actor: Actor) => `${actor.platform}:${actor.userId}`;

/** Who may start, decide, answer or change plans: user ids per platform, or a role. */
export class OperatorAllowlist {
  #users = new Map<string, Set<string>>();
  #roles = new Map<string, Set<string>>();

  constructor(users: Record<string, readonly string[]>, roles: Record<string, readonly string[]> = {}) {
    this.replace(users, roles);
  }

  /** Swaps the lists in place (settings reloaded without a restart, src/ops/reload.ts). */
  replace(users: Record<string, readonly string[]>, roles: Record<string, readonly string[]> = {}): void {
    this.#users = new Map(Object.entries(users).map(([platform, ids]) => [platform, new Set(ids)]));
    this.#roles = new Map(Object.entries(roles).map(([platform, ids]) => [platform, new Set(ids)]));
  }

  allows(actor: Actor): boolean {
    if (this.#users.get(actor.platform)?.has(actor.userId)) return true;
    const roles = this.#roles.get(actor.platform);
    return Boolean(roles && actor.roleIds?.some((role) => roles.has(role)));
  }
}

/** The allowlist the settings describe, with the workspace's operator always on it. */
export function allowlistOf(config: Pick<Config, 'OPERATOR_SLACK_USER_IDS' | 'OPERATOR_DISCORD_USER_IDS' | 'OPERATOR_DISCORD_ROLE_ID'>) {
  return [
    { slack: config.OPERATOR_SLACK_USER_IDS, discord: config.OPERATOR_DISCORD_USER_IDS, [LOCAL_OPERATOR.platform]: [LOCAL_OPERATOR.userId] },
    { discord: config.OPERATOR_DISCORD_ROLE_ID ? [config.OPERATOR_DISCORD_ROLE_ID] : [] },
  ] as const;
}

export type Access = { allowed: true } | { allowed: false; reason: 'not an operator' | 'operator access revoked' };

/**
 * Whether actor may change plans now: on the allowlist and not revoked. The revocation is read
 * from the store on every request (a primary-key lookup), so `op operator revoke` holds at once
 * in every replica.
 */
export async function operatorAccess(allowlist: OperatorAllowlist, store: Store, actor: Actor): Promise<Access> {
  if (!allowlist.allows(actor)) return { allowed: false, reason: 'not an operator' };
  if (await isRevoked(store, actorName(actor))) return { allowed: false, reason: 'operator access revoked' };
  return { allowed: true };
}
