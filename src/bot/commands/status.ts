import { z } from 'zod';
import { TERMINAL_STATUSES } from '../../store/statuses.ts';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { planCard } from '../render.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'status',
  usage: '/op status [plan]',
  summary: 'where a plan (or everything) stands',
  readOnly: true,
  arguments: [planArgument(false)],
  schema: z.object({ planId: PlanId.optional() }),
  async run({ conductor }, { planId }) {
    if (planId) return { message: planCard(await conductor.show(planId)), visibility: 'ephemeral' };
    const open = (await conductor.list({ limit: 200 })).filter((p) => !TERMINAL_STATUSES.includes(p.status));
    return ephemeral(open.length ? open.map((p) => `${p.id} ${p.workflow}: ${p.status.replace(/_/g, ' ')}`).join('\n') : 'Nothing is under way.', 'Plans under way');
  },
});
