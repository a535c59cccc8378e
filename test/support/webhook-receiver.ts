/**
 * A local HTTP endpoint that receives Operator's outbound webhooks and records each request
 * (headers and raw body), for checking signatures, Idempotency-Key and exactly-once delivery.
 * failNext(n) answers the next n requests with HTTP 503, as a receiver that is briefly down.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  requests: WebhookRequest[];
  failNext(count: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  let failing = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failing > 0) {
        failing--;
        res.writeHead(503).end('try later');
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/operator`,
    requests,
    failNext: (count) => void (failing = count),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
