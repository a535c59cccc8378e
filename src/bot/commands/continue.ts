import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'continue',
  usage: '/op continue <plan>',
  summary: 'let a plan paused at a budget cap spend more',
  readOnly: false,
  arguments: [planArgument()],
  schema: z.object({ planId: PlanId }),
  async run({ conductor, who }, { planId }) {
    await conductor.continue(planId, who);
    return ephemeral(`Continue: ${planId}.`);
  },
});
