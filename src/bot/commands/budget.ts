import { z } from 'zod';
import { runBudgetCommand } from '../budget-commands.ts';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'budget',
  usage: '/op budget | /op budget set plan|month <usd> | /op budget set workflow <name> <usd>',
  summary: 'the model-spend caps and the spend against each; change a cap while running (off, default)',
  readOnly: false,
  arguments: [{ key: 'words', takes: 'words', option: 'what', description: 'nothing to show the caps, or e.g. set month 100', required: false }],
  schema: z.object({ words: z.array(z.string()).default([]) }),
  async run({ budgets, who }, { words }) {
    if (!budgets) return ephemeral('Budgets are not available in this process; ask the operator running Operator to start the service (npm start).');
    return ephemeral(await runBudgetCommand(budgets, words, who, '/op'), 'Budgets');
  },
});
