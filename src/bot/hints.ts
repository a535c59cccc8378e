// What to type next in a chat, for each problem the conductor reports.
import type { Problem } from '../core/errors.ts';

export function chatHint(problem: Problem): string {
  switch (problem.code) {
    case 'plan_not_found':
      return '`/op list` shows your plans and their ids.';
    case 'workflow_not_found':
      return `Known workflows: ${problem.known.join(', ') || 'none'}. \`/op workflows\` describes them.`;
    case 'invalid_input':
      return `\`/op workflows\` shows what ${problem.workflow} expects.`;
    case 'invalid_answer':
      return 'Reply again in this thread.';
    case 'invalid_fields':
      return 'Correct the fields and submit again.';
    case 'plan_state':
      return `\`/op status ${problem.planId}\` shows where it stands.`;
    case 'no_such_version':
      return `\`/op audit ${problem.planId}\` lists its versions.`;
    case 'advice':
      return problem.hint;
  }
}
