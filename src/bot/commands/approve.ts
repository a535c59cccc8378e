import { z } from 'zod';
import { defineCommand, planArgument, PlanId, reasonArgument } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'approve',
  usage: '/op approve <plan> [reason]',
  summary: 'approve the step a plan waits on',
  readOnly: false,
  arguments: [planArgument(), reasonArgument],
  schema: z.object({ planId: PlanId, reason: z.string().optional() }),
  async run({ conductor, who }, { planId, reason }) {
    await conductor.approve(planId, who, { reason });
    return ephemeral(`Approved ${planId}.`);
  },
});
