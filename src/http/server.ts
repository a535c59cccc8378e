import http from 'node:http';
import type { Logger } from 'pino';

/** A named check for /healthz: resolves when the dependency is usable, throws when not. */
export type HealthCheck = () => Promise<void>;

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

export function createHttpService(logger: Logger): HttpService {
  const checks = new Map<string, HealthCheck>();
  const essential = new Set<string>();
  const routes = new Map<string, http.RequestListener>();
  const server = http.createServer(async (request, response) => {
    const route = routes.get(`${request.method} ${request.url?.split('?')[0]}`);
    if (route) return route(request, response);
    if (request.method === 'GET' && request.url === '/healthz') {
      const results = await Promise.all(
        [...checks].map(async ([name, check]) => {
          try {
            await check();
            return [name, 'ok'] as const;
          } catch (error) {
            logger.warn({ err: error, check: name }, 'health check failed');
            return [name, 'unavailable'] as const;
          }
        }),
      );
      const failed = results.filter(([, state]) => state !== 'ok').map(([name]) => name);
      const status = failed.some((name) => essential.has(name)) ? 'unavailable' : failed.length > 0 ? 'degraded' : 'ok';
      response.writeHead(status === 'unavailable' ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status, checks: Object.fromEntries(results) }));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'not found', see: 'GET /healthz' }));
  });
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
