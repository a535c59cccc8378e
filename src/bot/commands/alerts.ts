import { z } from 'zod';
import { describeAlert } from '../alert-lines.ts';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

const SCOPES = ['firing', 'recent'] as const;

export const command = defineCommand({
  name: 'alerts',
  usage: '/op alerts [firing|recent]',
  summary: 'alerts that fire now (recent: and those of the last week), each with its runbook',
  readOnly: true,
  arguments: [{ key: 'scope', takes: 'word', option: 'scope', description: 'firing now, or the last week', required: false, choices: SCOPES }],
  schema: z.object({ scope: z.enum(SCOPES, { error: 'list the alerts firing now, or recent ones (the last week)' }).default('firing') }),
  async run({ alerts }, { scope }) {
    const shown = await alerts(scope);
    const none = scope === 'firing' ? 'No alert is firing. (`/op alerts recent` shows the last week.)' : 'No alert in the last week.';
    return ephemeral(shown.length ? shown.map(describeAlert).join('\n') : none, `Alerts (${scope})`);
  },
});
