import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { inboxMessage } from '../render.ts';

export const command = defineCommand({
  name: 'inbox',
  usage: '/op inbox',
  summary: 'everything waiting on you, oldest first, with its buttons and deadline',
  readOnly: true,
  arguments: [],
  schema: z.object({}),
  async run({ conductor }) {
    return { message: inboxMessage(await conductor.waiting(), new Date()), visibility: 'ephemeral' };
  },
});
