import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/store/prisma-cli.ts';

export { freePort } from '../../src/net/free-port.ts';

/**
 * A port on 127.0.0.1 nothing listens on, below the kernel's ephemeral range (32768 and up here),
 * for a service a test kills and starts again on the same port: freePort() hands out ephemeral
 * ports, so between a kill and the restart another test's server could be given the port;
 * never one of these.
 */
export async function reservedPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export const opBinary = path.join(projectRoot, 'bin/op.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node script to completion with extra environment. */
export function runNode(args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}


export function exited(child: ChildProcess): Promise<number | null> {
  // A child ended by a signal keeps exitCode null: signalCode says it is gone.
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Live processes whose command line mentions text (a test's own data folder): what an exit may have left behind. */
export function processesMentioning(text: string): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** The pids of a process's children right now (Linux's /proc). */
export function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      // The command name (field 2) is in parentheses and may hold spaces: the parent pid comes after it.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
