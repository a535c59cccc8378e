// Slack's Socket Mode, acknowledged as HTTP mode is (processBeforeResponse): Bolt's own
// SocketModeReceiver has Bolt acknowledge an Events API envelope (a thread reply) before any
// listener runs, so a reply could be acknowledged and then lost with the process. Here an
// envelope's ack goes to Slack only once Bolt's listeners are done, the inbox written; one whose
// listener failed is not acknowledged, and Slack delivers it again.
import type { AckFn, App, Logger as BoltLogger, Receiver } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';

/** What the socket-mode client hands each envelope's listener. */
interface Envelope {
  body: Record<string, unknown>;
  ack: (response?: unknown) => Promise<void>;
  retry_num?: number;
  retry_reason?: string;
}

export class InboxFirstSocketModeReceiver implements Receiver {
  readonly #client: SocketModeClient;
  readonly #logger: BoltLogger;
  #app: App | null = null;

  constructor(options: { appToken: string; apiUrl: string; logger: BoltLogger }) {
    this.#logger = options.logger;
    this.#client = new SocketModeClient({ appToken: options.appToken, logger: options.logger, clientOptions: { slackApiUrl: options.apiUrl } });
    this.#client.on('slack_event', (envelope: Envelope) => void this.#process(envelope));
  }

  init(app: App): void {
    this.#app = app;
  }

  start(): Promise<unknown> {
    return this.#client.start();
  }

  stop(): Promise<void> {
    return this.#client.disconnect();
  }

  async #process({ body, ack, retry_num, retry_reason }: Envelope): Promise<void> {
    // Bolt's ack() (a listener's, or Bolt's own for events) only records the answer here.
    const answer: { given: boolean; response?: unknown } = { given: false };
    const recordAck: AckFn<unknown> = async (response) => {
      if (answer.given) return;
      answer.given = true;
      answer.response = response;
    };
    try {
      await this.#app!.processEvent({ body, ack: recordAck, retryNum: retry_num, retryReason: retry_reason });
    } catch (error) {
      this.#logger.error(`a Socket Mode envelope was not taken in; Slack delivers it again: ${(error as Error).message}`);
      return;
    }
    if (!answer.given) return;
    // The entry is in the inbox: an ack lost with a dropped socket only makes Slack deliver the
    // envelope again, and the inbox knows it by its id.
    await ack(answer.response).catch((error: unknown) =>
      this.#logger.warn(`a Socket Mode envelope was taken in but its ack was not sent; Slack delivers it again: ${(error as Error).message}`),
    );
  }
}
