import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'workflows',
  usage: '/op workflows',
  summary: 'the workflows you can start',
  readOnly: true,
  arguments: [],
  schema: z.object({}),
  run: async ({ conductor }) =>
    ephemeral(conductor.workflows.list().map((w) => `*${w.name}*: ${w.description}`).join('\n') || 'No workflows are installed.', 'Workflows'),
});
