import http from 'node:http';
import type { Logger } from 'pino';
import { HealthProblem, type HealthCheck } from '../core/health.ts';

export interface HttpService {
  server: http.Server;
  /**
   * Later layers (chat adapters, Chroma) add their checks here. Only an essential check (the
   * store) makes the service unavailable (503); the others degrade it, since it keeps working
   * around them (keyword recall without Chroma, notices waiting for a chat platform) and a
   * restart would not bring them back.
   */
  addHealthCheck(name: string, check: HealthCheck, options?: { essential?: boolean }): void;
  /** Chat adapters mount their receivers, e.g. POST /slack/events. */
  addRoute(method: string, path: string, listener: http.RequestListener): void;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Timeouts for a server behind a proxy or load balancer, as Node's documentation advises: idle
 * keep-alive connections outlive the proxy's (commonly 60 s), so the proxy, not this server,
 * closes them and never sends a request on a socket this side is closing ("other side closed");
 * headers must arrive within headersTimeout, a whole request within requestTimeout.
 */
export const SERVER_TIMEOUTS = { keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 30_000 } as const;

/** Applies SERVER_TIMEOUTS, and answers a request the parser cannot read with a 400 instead of a reset. */
export function hardenServer(server: http.Server, logger: Logger): http.Server {
  Object.assign(server, SERVER_TIMEOUTS);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: error }, 'a client sent a request that could not be parsed');
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  return server;
}

/** A route's failure is that request's 500 and a log line, never the process's end. */
function answerFailure(logger: Logger, request: http.IncomingMessage, response: http.ServerResponse, error: unknown): void {
  logger.error({ err: error, path: request.url?.split('?')[0] }, 'a request failed');
  if (response.headersSent) return void response.destroy();
  response.writeHead(500, { 'content-type': 'application/json', connection: 'close' });
  response.end(JSON.stringify({ error: 'Operator could not handle that; see its log' }));
}

export function createHttpService(logger: Logger): HttpService {
  const checks = new Map<string, HealthCheck>();
  const essential = new Set<string>();
  const routes = new Map<string, http.RequestListener>();
  const server = hardenServer(http.createServer((request, response) => {
    serve(request, response).catch((error: unknown) => answerFailure(logger, request, response, error));
  }), logger);
  async function serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const route = routes.get(`${request.method} ${request.url?.split('?')[0]}`);
    if (route) return await route(request, response);
    if (request.method === 'GET' && request.url === '/healthz') {
      const results = await Promise.all(
        [...checks].map(async ([name, check]) => {
          try {
            await check();
            return [name, 'ok', null] as const;
          } catch (error) {
            logger.warn({ err: error, check: name }, 'health check failed');
            return [name, 'unavailable', error instanceof HealthProblem ? error.message : null] as const;
          }
        }),
      );
      const failed = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
      const status = failed.some((name) => essential.has(name)) ? 'unavailable' : failed.length > 0 ? 'degraded' : 'ok';
      const problems = results.flatMap(([name, , problem]) => (problem === null ? [] : [[name, problem] as const]));
      response.writeHead(status === 'unavailable' ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status, checks: Object.fromEntries(results.map(([name, state]) => [name, state])), ...(problems.length > 0 ? { problems: Object.fromEntries(problems) } : {}) }));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'not found', see: 'GET /healthz' }));
  }
  return {
    server,
    addHealthCheck: (name, check, options) => {
      checks.set(name, check);
      if (options?.essential) essential.add(name);
    },
    addRoute: (method, path, listener) => void routes.set(`${method} ${path}`, listener),
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Open event streams would hold the close forever; the front door has let go of them.
        server.closeAllConnections();
      }),
  };
}
