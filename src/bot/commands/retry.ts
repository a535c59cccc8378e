import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'retry',
  usage: '/op retry <plan>',
  summary: 'run the failed step again',
  readOnly: false,
  arguments: [planArgument()],
  schema: z.object({ planId: PlanId }),
  async run({ conductor, who }, { planId }) {
    await conductor.retry(planId, who);
    return ephemeral(`Retry: ${planId}.`);
  },
});
