import { z } from 'zod';
import { WAITING_STATUSES } from '../../store/statuses.ts';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

const SCOPES = ['waiting', 'mine', 'all'] as const;

export const command = defineCommand({
  name: 'list',
  usage: '/op list [waiting|mine|all]',
  summary: 'plans, newest first',
  readOnly: true,
  arguments: [{ key: 'scope', takes: 'word', option: 'scope', description: 'which plans', required: false, choices: SCOPES }],
  schema: z.object({ scope: z.enum(SCOPES, { error: 'list waiting, mine or all plans' }).default('all') }),
  async run({ conductor, who }, { scope }) {
    const plans = await conductor.list({ limit: 200 });
    const shown = plans
      .filter((p) => scope !== 'waiting' || WAITING_STATUSES.includes(p.status))
      .filter((p) => scope !== 'mine' || p.requestedBy === who)
      .slice(0, 20);
    return ephemeral(shown.length ? shown.map((p) => `${p.id} ${p.workflow}: ${p.status.replace(/_/g, ' ')}`).join('\n') : 'No plans.', `Plans (${scope})`);
  },
});
