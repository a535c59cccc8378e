// The fake Slack Web API (test/support/fake-slack.ts) in a process of its own, for
// bench/slack-ack.ts: Slack is another machine, so the work of playing it (parsing, recording
// every call, searching stored messages) must not run on the event loop whose ack latency is
// measured. Started with child_process.fork; it listens on 127.0.0.1 only, reports
// {type:'ready', apiUrl, responseUrl}, answers {type:'counts'} with how many calls each method
// got, and closes on {type:'exit'} (or when the parent goes away).
import { startFakeSlack } from '../test/support/fake-slack.ts';

export type FakeSlackRequest = { type: 'counts' } | { type: 'exit' };
export type FakeSlackReport =
  | { type: 'ready'; apiUrl: string; responseUrl: string }
  | { type: 'counts'; methods: Record<string, number> };

const fake = await startFakeSlack();
const send = (message: FakeSlackReport) => process.send?.(message);

process.on('message', async (message: FakeSlackRequest) => {
  if (message.type === 'counts') {
    const methods: Record<string, number> = {};
    for (const call of fake.calls) methods[call.method] = (methods[call.method] ?? 0) + 1;
    send({ type: 'counts', methods });
  } else if (message.type === 'exit') {
    await fake.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', apiUrl: fake.apiUrl, responseUrl: fake.responseUrl('bench') });
