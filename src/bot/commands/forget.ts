import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

const MEMORY_ID_HINT = 'a memory id looks like m1a2b3c4d5 (shown as [1] m1a2b3c4d5 in /op recall)';

export const command = defineCommand({
  name: 'forget',
  usage: '/op forget <memory id>',
  summary: 'remove a memory and its index entry',
  readOnly: false,
  arguments: [{ key: 'memoryId', takes: 'word', option: 'memory', description: 'memory id, e.g. m1a2b3c4d5', required: true }],
  schema: z.object({ memoryId: z.string({ error: MEMORY_ID_HINT }).regex(/^m[a-z0-9]{4,}$/, MEMORY_ID_HINT) }),
  async run({ memory }, { memoryId }) {
    if (!memory) return ephemeral('Memory is not available in this process.');
    return ephemeral(
      (await memory.forget(memoryId))
        ? `Forgot ${memoryId}; its index entry goes with it.`
        : `There is no memory ${memoryId} (already forgotten or expired?). \`/op recall <question>\` shows memory ids.`,
    );
  },
});
