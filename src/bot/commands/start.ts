import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

/**
 * The input for `start`: key=value pairs become fields (numbers and booleans parsed), anything
 * else is free text for the workflow's free-text field, as typed (a pasted e-mail keeps its lines).
 */
export function startInput(typed: string, freeTextField: string | undefined): Record<string, unknown> {
  const args = typed.split(/\s+/).filter(Boolean);
  const pairs = args.filter((arg) => /^[A-Za-z_][\w]*=/.test(arg));
  if (pairs.length > 0 && pairs.length === args.length) {
    return Object.fromEntries(
      pairs.map((pair) => {
        const [key, ...value] = pair.split('=');
        const text = value.join('=');
        const scalar = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
        return [key!, scalar];
      }),
    );
  }
  return freeTextField && args.length > 0 ? { [freeTextField]: typed.trim() } : {};
}

export const command = defineCommand({
  name: 'start',
  usage: '/op start [--dry-run] <workflow> [key=value ... | free text]',
  summary: 'start a plan',
  readOnly: false,
  arguments: [
    { key: 'dryRun', takes: 'flag', option: 'dry-run', description: 'say what each action would do, doing none of it', required: false },
    { key: 'workflow', takes: 'word', option: 'workflow', description: 'workflow name, e.g. supplier-payment', required: true },
    { key: 'input', takes: 'text', option: 'input', description: 'key=value ... or free text', required: false },
  ],
  schema: z.object({
    workflow: z.string({ error: 'which workflow? `/op workflows` lists them.' }).regex(/^[a-z0-9-]+$/, 'workflow names are like supplier-payment'),
    input: z.string(),
    dryRun: z.boolean().default(false),
  }),
  async run({ conductor, actor, who, channel }, { workflow, input, dryRun }) {
    const definition = conductor.workflows.get(workflow);
    const { plan } = await conductor.start(workflow, startInput(input, definition.freeTextField), {
      requestedBy: who,
      conversation: { platform: actor.platform, channel },
      dryRun,
    });
    return ephemeral(
      dryRun
        ? `Started a dry run of ${plan.workflow} as plan ${plan.id}: it computes everything and says what each action would do, doing none. Its card follows in this channel.`
        : `Started ${plan.workflow} as plan ${plan.id}. Its card follows in this channel.`,
    );
  },
});
