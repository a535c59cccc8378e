import type { Server } from 'node:net';

/** Listens on 127.0.0.1 (port 0: a free one), rejecting on a listen error: also how a stopped fake comes back on its port. */
export function listenOnLoopback(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
