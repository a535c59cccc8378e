// The front door's thread (see front-door.ts): owns the service's public port. Chat platforms'
// receivers mounted here (modules named by the adapters) write what arrives to the inbox
// with this thread's own store connection, acknowledge it, and tell the core thread to look;
// every other request is passed through to the core's own HTTP server on loopback, with the
// caller's address in PEER_HEADER. This event loop does nothing else, so an ack never queues
// behind the conductor's work.
import http from 'node:http';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../ops/logger.ts';
import { databaseTarget } from '../store/database-url.ts';
import { awaitAnswer, recordInbound, type InboxDraft } from '../store/inbox.ts';
import { openInboxLanding } from '../store/inbox-landing.ts';
import { openStore } from '../store/store.ts';
import { hardenServer } from './server.ts';
import { PEER_HEADER, type FromFrontDoor, type FrontDoorReceiver, type FrontDoorSettings, type ReceiverFactory, type ToFrontDoor } from './front-door.ts';

const settings = workerData as FrontDoorSettings;
const port = parentPort!;
const send = (message: FromFrontDoor) => port.postMessage(message);

// Log records go to the core thread's logger, so they end where the service's own logs do.
const logger = createLogger(settings.logLevel, new Writable({ write: (line: Buffer, _encoding, done) => (send({ type: 'log', line: line.toString() }), done()) }));

// Hop-by-hop headers belong to one connection, not to the request or answer passed on.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'];
const withoutHopByHop = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name)));

const core = new http.Agent({ keepAlive: true });

function passThrough(request: http.IncomingMessage, response: http.ServerResponse): void {
  const headers = { ...withoutHopByHop(request.headers), [PEER_HEADER]: request.socket.remoteAddress ?? '' };
  const upstream = http.request({ host: '127.0.0.1', port: settings.corePort, method: request.method, path: request.url, headers, agent: core }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
    // Server-sent events: each chunk goes out as it comes.
    response.flushHeaders();
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    logger.warn({ err: error, path: request.url?.split('?')[0] }, 'the core did not answer a request passed to it');
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the service is not answering; try again shortly' }));
    else response.destroy();
  });
  // A caller that leaves (a closed workspace tab) ends its stream on the core too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

// The core's store checkpoints the database's log: on SQLite this thread never writes there (it
// lands entries in a file of its own), and a second checkpointer would only add fsyncs of the
// database file that the landing's own fsync then queues behind on the disk.
const store = settings.receivers.length > 0 ? await openStore(settings.databaseUrl, { walCheckpointThread: false }) : null;
// On SQLite entries land in a file of their own, so an ack never waits for plan work's write lock.
const target = databaseTarget(settings.databaseUrl);
const landing = store && target.provider === 'sqlite' ? await openInboxLanding(target.file) : null;
const record = async (draft: InboxDraft) => {
  await (landing ? landing.land(draft) : recordInbound(store!, draft));
  send({ type: 'inbox' });
};
const answerOf = async (id: string, timeoutMs: number) => (await awaitAnswer(store!, id, timeoutMs))?.answer ?? null;
const receivers = new Map<string, { path: string | null; receiver: FrontDoorReceiver }>();
for (const spec of settings.receivers) {
  const { createReceiver } = (await import(spec.module)) as { createReceiver: ReceiverFactory };
  receivers.set(spec.name, { path: spec.path, receiver: createReceiver({ settings: spec.settings, logger, body: settings.body, record, answerOf, reportProblem: (problem) => send({ type: 'problem', receiver: spec.name, problem }) }) });
}
const routes = new Map([...receivers.values()].flatMap(({ path, receiver }) => (path && receiver.requestListener ? [[path, receiver.requestListener] as const] : [])));

const server = hardenServer(
  http.createServer((request, response) => {
    const route = request.method === 'POST' ? routes.get(request.url?.split('?')[0] ?? '') : undefined;
    if (route) route(request, response);
    else passThrough(request, response);
  }),
  logger,
);

port.on('message', (message: ToFrontDoor) => {
  switch (message.type) {
    case 'reconfigure':
      receivers.get(message.receiver)?.receiver.reconfigure(message.settings);
      send({ type: 'reconfigured' });
      return;
    case 'close':
      void (async () => {
        for (const [name, { receiver }] of receivers) await receiver.stop().catch((error: unknown) => logger.warn({ err: error, receiver: name }, 'a receiver did not close cleanly'));
        server.close(() => {
          core.destroy();
          void Promise.all([landing?.close(), store?.close()]).finally(() => port.close());
        });
        server.closeAllConnections();
      })();
  }
});

server.once('error', (error) => send({ type: 'failed', message: `could not listen on port ${settings.port}: ${error.message}` }));
server.listen(settings.port, settings.host, () => {
  Promise.all([...receivers].map(([name, { receiver }]) => receiver.start().catch((error: unknown) => Promise.reject(new Error(`${name}: ${(error as Error).message}`))))).then(
    () => send({ type: 'listening', port: (server.address() as { port: number }).port }),
    (error: unknown) => send({ type: 'failed', message: `a receiver could not open its connection: ${(error as Error).message}` }),
  );
});
