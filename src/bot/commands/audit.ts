import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { auditMessage } from '../render.ts';

export const command = defineCommand({
  name: 'audit',
  usage: '/op audit <plan>',
  summary: 'who did what, when and why, and what the model was asked',
  readOnly: false,
  arguments: [planArgument()],
  schema: z.object({ planId: PlanId }),
  run: async ({ conductor }, { planId }) => ({
    message: auditMessage(planId, await conductor.audit(planId), await conductor.modelCalls(planId)),
    visibility: 'ephemeral',
  }),
});
