// A local Chroma server for when CHROMA_URL is unset: `chroma run` from the chromadb package,
// started through scripts/chroma-runtime.sh's loader where the system C library is too old
// (RECIPES: Chroma server), with its data under DATA_DIR/chroma. The server ignores SIGTERM and
// SIGINT, so it is stopped with SIGKILL (its data is written through, and the index rebuilds
// from the records anyway).
//
// The running server is recorded in DATA_DIR/chroma/server.json, so `op memory ...` next to a
// running service uses the service's server instead of opening the same data twice.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../net/free-port.ts';
import { projectRoot } from '../store/prisma-cli.ts';

const RUNTIME_SCRIPT = path.join(projectRoot, 'scripts', 'chroma-runtime.sh');
const HEARTBEAT = '/api/v2/heartbeat';

export interface LocalChroma {
  url: string;
  pid: number;
  /** False when this process found a server another process started (and leaves it running). */
  owned: boolean;
  stop(): Promise<void>;
}

export async function chromaIsUp(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(new URL(HEARTBEAT, url), { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}


const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The command that runs the chroma CLI: through the private C runtime where one is needed. */
async function chromaCommand(): Promise<{ command: string; prefix: string[] }> {
  const { stdout } = await promisify(execFile)('bash', [RUNTIME_SCRIPT], { timeout: 300_000 });
  const loader = stdout.trim();
  // The package exports only its client; the CLI sits next to it (its "bin").
  const cli = path.join(path.dirname(fileURLToPath(import.meta.resolve('chromadb'))), 'cli.mjs');
  return loader
    ? { command: loader, prefix: ['--library-path', path.dirname(loader), process.execPath, cli] }
    : { command: process.execPath, prefix: [cli] };
}

/**
 * Starts (or, with reuse, finds) the local server for dataDir and waits for its heartbeat.
 * port 0 picks a free one.
 */
export async function startLocalChroma(options: { dataDir: string; port?: number; reuse?: boolean; startTimeoutMs?: number }): Promise<LocalChroma> {
  const dir = path.resolve(options.dataDir, 'chroma');
  const recordFile = path.join(dir, 'server.json');
  fs.mkdirSync(dir, { recursive: true });
  if (options.reuse !== false) {
    const found = readRecord(recordFile);
    if (found && alive(found.pid) && (await chromaIsUp(found.url))) {
      return { url: found.url, pid: found.pid, owned: false, stop: async () => undefined };
    }
  }
  const port = options.port || (await freePort());
  const { command, prefix } = await chromaCommand();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(command, [...prefix, 'run', '--path', path.join(dir, 'data'), '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', log, log],
    env: { ...process.env, ANONYMIZED_TELEMETRY: 'False', CHROMA_ANONYMIZED_TELEMETRY: 'False' },
  });
  fs.closeSync(log);
  const pid = child.pid!;
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await chromaIsUp(url, 500))) {
    if (exited || Date.now() > deadline) {
      await killAndWait(pid);
      throw new Error(`the local Chroma server did not start (see ${path.join(dir, 'server.log')}); set CHROMA_URL to use another Chroma server`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fs.writeFileSync(recordFile, JSON.stringify({ url, pid }));
  return {
    url,
    pid,
    owned: true,
    stop: async () => {
      await killAndWait(pid);
      if (readRecord(recordFile)?.pid === pid) fs.rmSync(recordFile, { force: true });
    },
  };
}

function readRecord(file: string): { url: string; pid: number } | null {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { url?: unknown; pid?: unknown };
    return typeof record.url === 'string' && typeof record.pid === 'number' ? { url: record.url, pid: record.pid } : null;
  } catch {
    return null;
  }
}
