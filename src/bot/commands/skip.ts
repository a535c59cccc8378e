import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'skip',
  usage: '/op skip <plan>',
  summary: 'move past the failed step',
  readOnly: false,
  arguments: [planArgument()],
  schema: z.object({ planId: PlanId }),
  async run({ conductor, who }, { planId }) {
    await conductor.skip(planId, who);
    return ephemeral(`Skip: ${planId}.`);
  },
});
