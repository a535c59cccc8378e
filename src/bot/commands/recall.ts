import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { recallMessage } from '../render.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'recall',
  usage: '/op recall <question>',
  summary: 'what memory knows, with numbered sources',
  readOnly: false,
  arguments: [{ key: 'query', takes: 'text', option: 'question', description: 'what to look up', required: true }],
  schema: z.object({ query: z.string().min(1, 'write a question after /op recall') }),
  async run({ memory }, { query }) {
    if (!memory) return ephemeral('Memory is not available in this process.');
    return { message: recallMessage(await memory.recall(query, { answer: true })), visibility: 'ephemeral' };
  },
});
