// `/op budget ...` and `op budget ...`: one grammar and one set of answers for chat and the
// terminal. `budget` shows the caps in force, where each comes from and the spend against it;
// `budget set plan|month <usd>` and `budget set workflow <name> <usd>` change a cap while
// running (stored, audited; `off` removes it, `default` brings back its BUDGET_* setting).
import { CAP_NAMES, usd, workflowCapOf, type BudgetCaps } from '../core/budgets.ts';
import { OperatorError } from '../core/errors.ts';
import { budgetSettings, capsWith, setBudgetCap, type CapTarget } from '../store/budget-settings.ts';
import { spendOverview } from '../store/budgets.ts';
import type { Store } from '../store/store.ts';

/** What the command reads and changes. */
export interface BudgetDesk {
  store: Store;
  /** The BUDGET_* settings. */
  defaults: BudgetCaps;
  /** Names of the workflows a cap can be set for. */
  workflows: readonly string[];
}

/** How the caller types commands: `/op` in chat, `op` in a terminal. */
export type Surface = '/op' | 'op';

const setUsage = (surface: Surface) =>
  `\`${surface} budget set plan|month <usd>\` or \`${surface} budget set workflow <name> <usd>\` (\`off\` removes a cap, \`default\` brings back its BUDGET_* setting)`;

/** Dollars as typed: 12, 12.50, $12.50; off or none: no cap; default: the BUDGET_* setting. */
function amountOf(word: string | undefined, example: string, surface: Surface): number | null | 'default' {
  if (word === undefined) throw new OperatorError('Which amount, in USD?', `Example: \`${surface} budget set ${example}\``);
  if (/^(off|none)$/i.test(word)) return null;
  if (/^default$/i.test(word)) return 'default';
  const match = /^\$?(\d+(?:\.\d+)?)$/.exec(word);
  if (!match) throw new OperatorError(`"${word}" is not an amount in USD.`, `Write dollars as a number, e.g. \`${surface} budget set ${example}\`, or \`off\` to remove the cap.`);
  return Number(match[1]);
}

function targetOf(words: string[], desk: BudgetDesk, surface: Surface): { target: CapTarget; amountWord: string | undefined; example: string } {
  const [which, ...rest] = words;
  if (which === 'plan' || which === 'month') return { target: { cap: which }, amountWord: rest[0], example: `${which} ${which === 'plan' ? '0.50' : '100'}` };
  if (which === 'workflow') {
    const [workflow, amountWord] = rest;
    const first = desk.workflows[0] ?? 'invoicing';
    if (!workflow) throw new OperatorError('Which workflow?', `Example: \`${surface} budget set workflow ${first} 20\`; workflows: ${desk.workflows.join(', ')}.`);
    if (!desk.workflows.includes(workflow)) throw new OperatorError(`There is no workflow named "${workflow}".`, `Workflows: ${desk.workflows.join(', ')}. Example: \`${surface} budget set workflow ${first} 20\``);
    return { target: { cap: 'workflow', workflow }, amountWord, example: `workflow ${workflow} 20` };
  }
  throw new OperatorError(which ? `"${which}" is not a cap.` : 'Which cap?', `Type ${setUsage(surface)}.`);
}

const capName = (target: CapTarget) => (target.cap === 'workflow' ? `the monthly cap of ${target.workflow}` : `the ${CAP_NAMES[target.cap]}`);
const shown = (amount: number | null) => (amount === null ? 'none' : usd(amount));

async function show(desk: BudgetDesk, surface: Surface): Promise<string> {
  const [settings, spend] = await Promise.all([budgetSettings(desk.store), spendOverview(desk.store)]);
  const caps = capsWith(desk.defaults, settings);
  const setting = new Map(settings.map((row) => [row.cap, row]));
  const source = (key: string, settingName: string, fallback: number | null | undefined) => {
    const row = setting.get(key);
    if (row) return ` (set by ${row.setBy} ${row.setAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
    return fallback === null || fallback === undefined ? '' : ` (${settingName})`;
  };
  const named = [...new Set([...Object.keys(caps.workflowMonthUsd.byWorkflow), ...spend.monthByWorkflow.keys()])].sort();
  const top = spend.topPlan ? `top plan under way ${spend.topPlan.planId} ${usd(spend.topPlan.usd)}` : 'no plan under way has spent anything';
  return [
    'Budget caps in force (USD), and the spend against each:',
    `• monthly cap: ${shown(caps.monthUsd)}; this month ${usd(spend.monthUsd)}${source('month', 'BUDGET_MONTH_USD', desk.defaults.monthUsd)}`,
    `• per-plan cap: ${shown(caps.planUsd)}; ${top}${source('plan', 'BUDGET_PLAN_USD', desk.defaults.planUsd)}`,
    `• every workflow's monthly cap: ${shown(caps.workflowMonthUsd.everyWorkflow)}${caps.workflowMonthUsd.everyWorkflow === null ? '' : ' (BUDGET_WORKFLOW_MONTH_USD)'}`,
    ...named.map(
      (workflow) =>
        `• ${workflow} this month: ${usd(spend.monthByWorkflow.get(workflow) ?? 0)} of ${shown(workflowCapOf(caps, workflow))}${source(`workflow:${workflow}`, 'BUDGET_WORKFLOW_MONTH_USD', desk.defaults.workflowMonthUsd.byWorkflow[workflow])}`,
    ),
    `Change one: ${setUsage(surface)}.`,
  ].join('\n');
}

/** Runs `budget [show]` or `budget set ...`; throws OperatorError with what to type on bad input. */
export async function runBudgetCommand(desk: BudgetDesk, words: string[], who: string, surface: Surface): Promise<string> {
  const [verb, ...rest] = words;
  if (verb === undefined || verb === 'show') return show(desk, surface);
  if (verb !== 'set') throw new OperatorError(`"${verb}" is not a budget command.`, `Type \`${surface} budget\` to see the caps, or ${setUsage(surface)}.`);
  const { target, amountWord, example } = targetOf(rest, desk, surface);
  const amount = amountOf(amountWord, example, surface);
  const { was, now } = await setBudgetCap(desk.store, desk.defaults, target, amount, who);
  return `Set: ${capName(target)} is ${shown(now)}${amount === 'default' ? ' (its BUDGET_* setting)' : ''}, was ${shown(was)}; it holds from the next model call.`;
}
