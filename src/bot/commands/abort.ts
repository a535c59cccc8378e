import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'abort',
  usage: '/op abort <plan>',
  summary: 'give up; performed actions are undone',
  readOnly: false,
  arguments: [planArgument()],
  schema: z.object({ planId: PlanId }),
  async run({ conductor, who }, { planId }) {
    await conductor.abort(planId, who);
    return ephemeral(`Abort: ${planId}.`);
  },
});
