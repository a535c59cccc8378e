import { z } from 'zod';
import { defineCommand, planArgument, PlanId } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'rollback',
  usage: '/op rollback <plan> <version>',
  summary: 'restore an earlier plan version',
  readOnly: false,
  arguments: [planArgument(), { key: 'version', takes: 'word', option: 'version', description: 'the version to restore', required: true, integer: { min: 1 } }],
  schema: z.object({
    planId: PlanId,
    version: z.coerce.number({ error: 'which version? `/op audit <plan>` lists them.' }).int('a version is a whole number').min(1, 'versions start at 1'),
  }),
  async run({ conductor, who }, { planId, version }) {
    const { plan } = await conductor.rollback(planId, who, version);
    return ephemeral(`Rolled ${plan.id} back to version ${version}; it is now version ${plan.version}.`);
  },
});
