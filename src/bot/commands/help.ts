import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'help',
  usage: '/op help',
  summary: 'what you can ask for',
  readOnly: true,
  arguments: [],
  schema: z.object({}),
  // The list is the registry's; imported when asked, as the registry imports this file.
  run: async () => ephemeral((await import('../command-registry.ts')).helpText(), 'Operator commands'),
});
