// Memory's moving parts in the service: the local Chroma server when CHROMA_URL is unset, the
// indexer that drains the index outbox, and the retention job that forgets expired memories.
// None of them can stop the service: without Chroma, recall degrades and indexing waits.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { HealthProblem } from '../core/health.ts';
import { startLocalChroma, type LocalChroma } from './chroma-server.ts';
import type { Memory } from './memory.ts';

const RETENTION_EVERY_MS = 60 * 60_000;

export interface MemoryService {
  /** For /healthz: throws a HealthProblem (recall degraded, and the fix) while Chroma cannot be reached. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMemoryService(config: Config, memory: Memory, logger: Logger): Promise<MemoryService> {
  const log = logger.child({ component: 'memory' });
  let chroma: LocalChroma | null = null;
  const degraded = 'recall answers by keyword search and indexing waits';
  let problem = `the Chroma server at CHROMA_URL cannot be reached; ${degraded}. Fix: start it, or correct CHROMA_URL`;
  if (!config.CHROMA_URL) {
    problem = `the local Chroma server stopped answering; ${degraded}. Fix: restart Operator, or set CHROMA_URL to a Chroma server`;
    try {
      chroma = await startLocalChroma({ dataDir: path.resolve(config.DATA_DIR) });
      memory.index.connect(chroma.url);
      log.info({ url: chroma.url, owned: chroma.owned, adopted: chroma.adopted }, 'local Chroma server is up');
    } catch (error) {
      problem = `the local Chroma server could not start (${error instanceof Error ? error.message : String(error)}); ${degraded}. Fix: set CHROMA_URL to a Chroma server, then restart`;
      log.error({ err: error }, 'could not start the local Chroma server; recall answers by keyword search until CHROMA_URL points at one');
    }
  }
  const indexer = memory.startIndexer();
  const expire = () => memory.expire().catch((error: unknown) => log.warn({ err: error }, 'retention job failed; it runs again within the hour'));
  const first = setTimeout(expire, 5_000);
  const retention = setInterval(expire, RETENTION_EVERY_MS);
  first.unref();
  retention.unref();
  return {
    check: () =>
      memory.index.heartbeat().catch(() => {
        throw new HealthProblem(problem);
      }),
    stop: async () => {
      clearTimeout(first);
      clearInterval(retention);
      await indexer.stop();
      await chroma?.stop();
    },
  };
}
