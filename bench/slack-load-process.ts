// The load generator of bench/slack-ack.ts in a process of its own (child_process.fork), playing
// Slack's side of the HTTP exchange: it sends the signed requests on schedule and reads the acks.
// Slack is another machine, so neither sending nor reading an ack may wait for the measured
// service's event loop: in one process a response written at t would be read only once that loop
// is free again, and the latency would count work the service did after it had answered.
// Protocol: reports {type:'ready'}; answers each {type:'measure', id, ...} with {type:'result', id, result}.
import { measureAckLatency, slackBodies, type AckKind, type AckLatency } from './slack-ack.ts';

/** What to send: serializable, so the bodies are built (and signed) here. */
export interface LoadSpec {
  url: string;
  signingSecret: string;
  kind: AckKind;
  ratePerSecond: number;
  durationMs: number;
  userId: string;
  channelId: string;
  responseUrl: string;
  /** Command i's text: `{n}` is replaced by nOffset + i. */
  commandTemplate?: string;
  nOffset?: number;
  /** Button i's value. */
  buttonValues?: string[];
}

export type LoadRequest = { type: 'measure'; id: number; spec: LoadSpec } | { type: 'exit' };
export type LoadReport = { type: 'ready' } | { type: 'result'; id: number; result?: AckLatency; error?: string };

const send = (message: LoadReport) => process.send?.(message);

process.on('message', async (message: LoadRequest) => {
  if (message.type === 'exit') process.exit(0);
  const { id, spec } = message;
  try {
    const { commandTemplate = 'help', nOffset = 0, buttonValues = [] } = spec;
    const makeBody = slackBodies(spec.kind, {
      userId: spec.userId,
      channelId: spec.channelId,
      responseUrl: spec.responseUrl,
      commandText: (i) => commandTemplate.replaceAll('{n}', String(nOffset + i)),
      buttonValue: (i) => {
        const value = buttonValues[i];
        if (value === undefined) throw new Error(`no button value for request ${i} (${buttonValues.length} given)`);
        return value;
      },
    });
    const result = await measureAckLatency({ ...spec, makeBody });
    send({ type: 'result', id, result });
  } catch (error) {
    send({ type: 'result', id, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));

send({ type: 'ready' });
