/**
 * What was wrong with a request, as data. The conductor says what happened; each surface tells
 * the operator what to do next in its own grammar (src/cli/hints.ts, src/bot/hints.ts), so a
 * Slack user never reads a terminal command and a terminal user never reads a slash command.
 */
export type Problem =
  | { code: 'plan_not_found'; planId: string }
  | { code: 'workflow_not_found'; workflow: string; known: string[] }
  | { code: 'invalid_input'; workflow: string }
  | { code: 'invalid_answer'; planId: string }
  /** Values submitted in a form that do not fit: what is wrong with each field, by name. */
  | { code: 'invalid_fields'; planId: string; fields: Record<string, string> }
  /** The plan is not in a state the request fits (or moved on while it was made). */
  | { code: 'plan_state'; planId: string }
  | { code: 'no_such_version'; planId: string }
  /** Advice that reads the same on every surface. */
  | { code: 'advice'; hint: string };

/** A request the operator can fix: nothing was changed when one is thrown. */
export class OperatorError extends Error {
  override name = 'OperatorError';
  readonly problem: Problem;

  constructor(message: string, problem: Problem | string) {
    super(message);
    this.problem = typeof problem === 'string' ? { code: 'advice', hint: problem } : problem;
  }
}
