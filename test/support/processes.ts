import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/store/prisma-cli.ts';

export { freePort } from '../../src/net/free-port.ts';

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
