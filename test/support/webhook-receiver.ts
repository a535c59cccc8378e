/**
 * A local HTTP endpoint that receives Operator's outbound webhooks and records each request
 * (headers and raw body), for checking signatures, Idempotency-Key and exactly-once delivery.
 * failNext(n) answers the next n requests with HTTP 503, as a receiver that is briefly down;
 * stop() refuses connections until restart() listens on the same port again, as one that is down.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './listen.ts';

export interface WebhookRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  requests: WebhookRequest[];
  failNext(count: number): void;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  let failing = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failing > 0) {
        failing--;
        res.writeHead(503).end('try later');
        return;
      }
      res.writeHead(204).end();
    });
  });
  await listenOnLoopback(server, 0);
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}/hooks/operator`,
    requests,
    failNext: (count) => void (failing = count),
    stop: close,
    restart: () => listenOnLoopback(server, port),
    close,
  };
}
