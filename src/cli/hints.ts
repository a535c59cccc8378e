// What to type next in a terminal, for each problem the conductor reports.
import type { Problem } from '../core/errors.ts';

export function cliHint(problem: Problem): string {
  switch (problem.code) {
    case 'plan_not_found':
      return '`op plan list` shows plan ids and states.';
    case 'workflow_not_found':
      return `Known workflows: ${problem.known.join(', ') || 'none'}. \`op workflows list\` describes them.`;
    case 'invalid_input':
      return `\`op workflows list\` shows what ${problem.workflow} expects.`;
    case 'invalid_answer':
      return `Answer again: \`op plan answer ${problem.planId} <answer>\`.`;
    case 'invalid_fields':
      return `\`op plan edit ${problem.planId}\` takes the corrected values.`;
    case 'plan_state':
      return `\`op plan show ${problem.planId}\` shows where it stands.`;
    case 'no_such_version':
      return `\`op plan audit ${problem.planId}\` lists its versions.`;
    case 'advice':
      return problem.hint;
  }
}
