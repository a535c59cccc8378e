// Memory against a real local Chroma server (started through the project's launcher on a free
// port, data in the test's scratch folder), on a test database.
import fs from 'node:fs';
import path from 'node:path';
import { startLocalChroma, type LocalChroma } from '../../src/memory/chroma-server.ts';
import type { Memory } from '../../src/memory/memory.ts';
import type { Operator } from '../../src/operator.ts';
import { createOperator } from '../../src/operator.ts';
import type { TestDatabase } from './databases.ts';
import { silentLogger, testConfig } from './operator.ts';
import { pollUntil } from './poll.ts';

/** A Chroma server of its own; pass dataDir and port of a killed one to restart it on its data. */
export function testChroma(database: TestDatabase, options: { dataDir?: string; port?: number } = {}): Promise<LocalChroma & { dataDir: string }> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(database.dir, 'chroma-'));
  return startLocalChroma({ dataDir, port: options.port ?? 0, reuse: false }).then((chroma) => ({ ...chroma, dataDir }));
}

export function memoryOperator(database: TestDatabase, chroma: LocalChroma, settings: Record<string, string> = {}): Promise<Operator> {
  return createOperator(testConfig(database, { CHROMA_URL: chroma.url, ...settings }), silentLogger());
}

/** Applies every pending index task (Chroma must be up). */
export async function drainIndex(memory: Memory): Promise<void> {
  while ((await memory.indexPending()) > 0);
}

/** Waits until the index holds exactly the records: nothing missing, nothing orphaned, nothing pending. */
export function waitForIndexInStep(memory: Memory, timeoutMs = 20_000) {
  let last = '';
  return pollUntil(
    async () => {
      const report = await memory.verify().catch((error: Error) => ({ error: error.message }));
      last = JSON.stringify(report);
      return 'records' in report && report.pending === 0 && report.missing.length === 0 && report.orphans.length === 0 ? report : null;
    },
    timeoutMs,
    () => `index not in step with the records: ${last}`,
  );
}
