// Every exit stops what the service started, its local Chroma server included: `npm start`
// (src/main.ts) as a real process, its children looked up in /proc while it runs and checked
// gone after it ends. A Chroma left by a SIGKILLed service is adopted by the next start, which
// then stops it like its own.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { pollUntil } from './support/poll.ts';
import { childrenOf, exited, freePort, isAlive, processesMentioning } from './support/processes.ts';

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
}

const START_TIMEOUT_MS = 180_000;

for (const provider of providers()) {
  describe(`exits stop what the service started (${provider})`, () => {
    let database: TestDatabase;
    const live = new Set<ChildProcess>();

    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      for (const child of live) child.kill('SIGKILL');
      // Whatever still runs on this test's data is a leak; it must not outlive the test either.
      for (const pid of processesMentioning(database.dir)) process.kill(pid, 'SIGKILL');
      await database?.drop();
    });

    async function startService(dataDir: string, port?: number): Promise<Running> {
      const chosen = port ?? (await freePort());
      const child = spawn(process.execPath, ['src/main.ts'], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(chosen), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      live.add(child);
      child.once('exit', () => live.delete(child));
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return { child, port: chosen, output: () => output };
    }

    async function healthy(service: Running): Promise<void> {
      await pollUntil(
        async () => {
          if (service.child.exitCode !== null) throw new Error(`the service exited (${service.child.exitCode}): ${service.output()}`);
          const health = (await fetch(`http://127.0.0.1:${service.port}/healthz`).then((r) => r.json(), () => null)) as { status: string } | null;
          return health?.status === 'ok';
        },
        START_TIMEOUT_MS,
        () => `the service was not healthy: ${service.output()}`,
      );
    }

    const chromaRecord = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'chroma', 'server.json'), 'utf8')) as { url: string; pid: number; owner: number };

    test(`SIGKILL leaves the local Chroma behind; the next start adopts it, and SIGINT stops both it and every child (${provider})`, { timeout: 2 * START_TIMEOUT_MS + 60_000 }, async () => {
      const dataDir = path.join(database.dir, 'data-killed');
      const first = await startService(dataDir);
      await healthy(first);
      const orphan = chromaRecord(dataDir);
      assert.equal(orphan.owner, first.child.pid);
      assert.ok(childrenOf(first.child.pid!).includes(orphan.pid), 'the service started Chroma as its child');

      first.child.kill('SIGKILL');
      await exited(first.child);
      assert.ok(isAlive(orphan.pid), 'a SIGKILLed service cannot stop its Chroma');

      const second = await startService(dataDir);
      await healthy(second);
      assert.deepEqual(chromaRecord(dataDir), { url: orphan.url, pid: orphan.pid, owner: second.child.pid }, 'the orphan is adopted, not started again');
      const children = childrenOf(second.child.pid!);
      second.child.kill('SIGINT');
      assert.equal(await exited(second.child), 0);
      await pollUntil(() => !isAlive(orphan.pid), 10_000, () => `the adopted Chroma ${orphan.pid} still runs`);
      assert.deepEqual(children.filter(isAlive), [], 'no child of the service outlives it');
      assert.deepEqual(processesMentioning(dataDir), [], 'nothing runs on the service data any more');
      assert.ok(!fs.existsSync(path.join(dataDir, 'chroma', 'server.json')), 'the record of the stopped server is gone');
    });

    test(`a fatal start-up error (the port is taken) exits 1 with the reason and stops the Chroma it had started (${provider})`, { timeout: START_TIMEOUT_MS + 60_000 }, async () => {
      const dataDir = path.join(database.dir, 'data-fatal');
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, resolve));
      const port = (taken.address() as net.AddressInfo).port;
      try {
        const service = await startService(dataDir, port);
        // Chroma starts before the port is tried: catch it while it runs, to check it is gone after.
        const chroma = await pollUntil(
          () => (fs.existsSync(path.join(dataDir, 'chroma', 'server.json')) ? chromaRecord(dataDir).pid : null) ?? (service.child.exitCode !== null ? -1 : null),
          START_TIMEOUT_MS,
          () => `Chroma never started: ${service.output()}`,
        );
        assert.notEqual(chroma, -1, `the service exited before it started Chroma: ${service.output()}`);
        assert.equal(await exited(service.child), 1);
        assert.match(service.output(), /Operator cannot start: could not listen on port \d+/);
        assert.doesNotMatch(service.output(), /^\s+at /m, 'no stack trace for the operator to read');
        assert.ok(!isAlive(chroma), 'the Chroma started before the failure is stopped');
        assert.deepEqual(processesMentioning(dataDir), [], 'nothing runs on the service data any more');
      } finally {
        taken.close();
      }
    });
  });
}
