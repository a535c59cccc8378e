import { z } from 'zod';
import { runScheduleCommand } from '../schedule-commands.ts';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'schedule',
  usage: '/op schedule <workflow> <when> [input] | list | pause|resume|delete|run-now <id>',
  summary: 'run a workflow on a schedule ("every Monday 8am", cron), and manage schedules',
  readOnly: false,
  arguments: [{ key: 'words', takes: 'words', option: 'what', description: 'e.g. invoicing "every month on the 1st at 9:00" client=acme, or list', required: true }],
  schema: z.object({ words: z.array(z.string()) }),
  async run({ schedules, who, actor, channel }, { words }) {
    if (!schedules) return ephemeral('Schedules are not available in this process; ask the operator running Operator to start the service (npm start).');
    const { text } = await runScheduleCommand(schedules, words, { who, conversation: { platform: actor.platform, channel } });
    return ephemeral(text, 'Schedules');
  },
});
