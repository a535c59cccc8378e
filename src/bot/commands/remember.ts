import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'remember',
  usage: '/op remember <text>',
  summary: 'keep a fact in memory (personal data is masked)',
  readOnly: false,
  arguments: [{ key: 'text', takes: 'text', option: 'text', description: 'what to remember', required: true }],
  schema: z.object({ text: z.string().min(1, 'write what to remember after /op remember') }),
  async run({ memory, actor, who, channel }, { text }) {
    if (!memory) return ephemeral('Memory is not available in this process.');
    const source = (['slack', 'discord', 'workspace'] as const).find((platform) => platform === actor.platform) ?? 'workspace';
    // A slash command leaves no message to link to; on Slack the link opens its channel.
    const link = source === 'slack' ? `https://slack.com/app_redirect?channel=${encodeURIComponent(channel)}` : null;
    const { id, duplicate } = await memory.remember({ kind: 'fact', text, source, link, createdBy: who });
    return ephemeral(duplicate ? `That is already in memory as ${id}.` : `Remembered as ${id}. \`/op forget ${id}\` removes it.`);
  },
});
