import { z } from 'zod';
import { defineCommand, planArgument, PlanId, reasonArgument } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'deny',
  usage: '/op deny <plan> [reason]',
  summary: 'deny it; performed actions are undone',
  readOnly: false,
  arguments: [planArgument(), reasonArgument],
  schema: z.object({ planId: PlanId, reason: z.string().optional() }),
  async run({ conductor, who }, { planId, reason }) {
    await conductor.deny(planId, who, { reason });
    return ephemeral(`Denied ${planId}.`);
  },
});
