/** Someone acting from a chat platform: the platform's user id and, where it has them, role ids. */
export interface Actor {
  platform: string;
  userId: string;
  roleIds?: string[];
}

/** How an actor is named in plans and the audit trail, e.g. slack:U012AB3CD. */
export const actorName = (actor: Actor) => `${actor.platform}:${actor.userId}`;

/** Who may start, decide, answer or change plans: user ids per platform, or a role. */
export class OperatorAllowlist {
  readonly #users: Map<string, Set<string>>;
  readonly #roles: Map<string, Set<string>>;

  constructor(users: Record<string, string[]>, roles: Record<string, string[]> = {}) {
    this.#users = new Map(Object.entries(users).map(([platform, ids]) => [platform, new Set(ids)]));
    this.#roles = new Map(Object.entries(roles).map(([platform, ids]) => [platform, new Set(ids)]));
  }

  allows(actor: Actor): boolean {
    if (this.#users.get(actor.platform)?.has(actor.userId)) return true;
    const roles = this.#roles.get(actor.platform);
    return Boolean(roles && actor.roleIds?.some((role) => roles.has(role)));
  }
}
