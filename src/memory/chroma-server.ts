// A local Chroma server for when CHROMA_URL is unset: `chroma run` from the chromadb package,
// started through scripts/chroma-runtime.sh's loader where the system C library is too old
// (RECIPES: Chroma server), with its data under DATA_DIR/chroma. The server ignores SIGTERM and
// SIGINT, so it is stopped with SIGKILL (its data is written through, and the index rebuilds
// from the records anyway).
//
// The running server and the process that owns it are recorded in DATA_DIR/chroma/server.json,
// so `op memory ...` next to a running service uses the service's server instead of opening the
// same data twice, and a server whose owner was killed (SIGKILL leaves no chance to stop it) is
// adopted by the next start, which then stops it like its own. A recorded pid is trusted only
// while its command line is still `chroma run` on this data: a reused pid is never killed.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { freePort } from '../net/free-port.ts';
import { projectRoot } from '../store/prisma-cli.ts';

const RUNTIME_SCRIPT = path.join(projectRoot, 'scripts', 'chroma-runtime.sh');
const HEARTBEAT = '/api/v2/heartbeat';

export interface LocalChroma {
  url: string;
  pid: number;
  /** False when this process found a server another live process owns (and leaves it running). */
  owned: boolean;
  /** True when the server was left by an owner that died, and this process took it over. */
  adopted: boolean;
  stop(): Promise<void>;
}

const ServerRecord = z.object({ url: z.string(), pid: z.number().int(), owner: z.number().int().optional() });
type ServerRecord = z.infer<typeof ServerRecord>;

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

/** The process's command line, or null when it is gone (Linux's /proc, else ps). */
async function commandLineOf(pid: number): Promise<string | null> {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    if (fs.existsSync('/proc/self')) return null;
    const { stdout } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
    return stdout.trim() || null;
  }
}

/** Is pid the Chroma server serving dataPath (and not a process that got its pid since)? */
async function isChromaServer(pid: number, dataPath: string): Promise<boolean> {
  const command = await commandLineOf(pid);
  return command !== null && command.includes('cli.mjs run') && command.includes(`--path ${dataPath} `);
}

/** Kills the server when this process exits any way that runs exit handlers (a fatal error, process.exit). */
function stopOnExit(pid: number): () => void {
  const kill = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', kill);
  return () => process.off('exit', kill);
}

/**
 * Starts (or, with reuse, finds) the local server for dataDir and waits for its heartbeat.
 * A server left by an owner that is gone is adopted (reuse) or stopped (no reuse) first.
 * port 0 picks a free one.
 */
export async function startLocalChroma(options: { dataDir: string; port?: number; reuse?: boolean; startTimeoutMs?: number }): Promise<LocalChroma> {
  const dir = path.resolve(options.dataDir, 'chroma');
  const dataPath = path.join(dir, 'data');
  const recordFile = path.join(dir, 'server.json');
  fs.mkdirSync(dir, { recursive: true });
  const owned = (url: string, pid: number, adopted: boolean): LocalChroma => {
    writeRecord(recordFile, { url, pid, owner: process.pid });
    const forget = stopOnExit(pid);
    return {
      url,
      pid,
      owned: true,
      adopted,
      stop: async () => {
        forget();
        await killAndWait(pid);
        if (readRecord(recordFile)?.pid === pid) fs.rmSync(recordFile, { force: true });
      },
    };
  };
  const found = readRecord(recordFile);
  if (found && alive(found.pid) && (await isChromaServer(found.pid, dataPath))) {
    const ownerAlive = found.owner !== undefined && found.owner !== process.pid && alive(found.owner);
    const up = await chromaIsUp(found.url);
    if (ownerAlive && up && options.reuse !== false) return { url: found.url, pid: found.pid, owned: false, adopted: false, stop: async () => undefined };
    if (!ownerAlive && up && options.reuse !== false) return owned(found.url, found.pid, true);
    // An orphan that does not answer, or one this caller may not share: it holds the data, so it goes.
    if (!ownerAlive) await killAndWait(found.pid);
  }
  const port = options.port || (await freePort());
  const { command, prefix } = await chromaCommand();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  const child = spawn(command, [...prefix, 'run', '--path', dataPath, '--host', '127.0.0.1', '--port', String(port)], {
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
  // Recorded before it answers: if this process dies while waiting, the next start finds it.
  writeRecord(recordFile, { url, pid, owner: process.pid });
  const forget = stopOnExit(pid);
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await chromaIsUp(url, 500))) {
    if (exited || Date.now() > deadline) {
      forget();
      await killAndWait(pid);
      fs.rmSync(recordFile, { force: true });
      throw new Error(`the local Chroma server did not start (see ${path.join(dir, 'server.log')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  forget();
  return owned(url, pid, false);
}

/** Written aside and renamed into place: a reader (the next start, another process) never sees half a record. */
function writeRecord(file: string, record: ServerRecord): void {
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(record));
  fs.renameSync(`${file}.${process.pid}.tmp`, file);
}

function readRecord(file: string): ServerRecord | null {
  try {
    return ServerRecord.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}
