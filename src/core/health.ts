// Health of the parts the service depends on, as /healthz reports it (src/http/server.ts). Here,
// apart from the server, so a part (a trigger, an adapter) can say what is wrong without
// importing the HTTP layer.

/** A named check for /healthz: resolves when the dependency is usable, throws when not. */
export type HealthCheck = () => Promise<void>;

/** A check's failure whose message /healthz shows: what is wrong and the fix, with no secret in it. */
export class HealthProblem extends Error {
  override name = 'HealthProblem';
}
