import { z } from 'zod';
import { defineCommand, planArgument, PlanId, reasonArgument } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'cancel',
  usage: '/op cancel <plan> [reason]',
  summary: 'stop a plan under way',
  readOnly: false,
  arguments: [planArgument(), reasonArgument],
  schema: z.object({ planId: PlanId, reason: z.string().optional() }),
  async run({ conductor, who }, { planId, reason }) {
    await conductor.cancel(planId, who, reason);
    return ephemeral(`Cancelled ${planId}.`);
  },
});
