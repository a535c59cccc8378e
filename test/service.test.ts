// `npm start`: the service on its embedded defaults migrates SQLite, serves /healthz and stops cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { createTestDatabase } from './support/databases.ts';
import { testService } from './support/operator.ts';
import { exited, freePort, runNode } from './support/processes.ts';

test('the service migrates a new SQLite database, reports healthy, serves the workspace and stops on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-service-'));
  const port = await freePort();
  const service = spawn(process.execPath, ['src/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: `file:${dir}/fresh/operator.db`, DATA_DIR: `${dir}/data`, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  try {
    const deadline = Date.now() + 30_000;
    let health: { status: string; checks: Record<string, string> } | null = null;
    while (!health && Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((response) => (response.status === 200 ? (response.json() as Promise<typeof health>) : null))
        .catch(() => null);
      if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(health, { status: 'ok', checks: { store: 'ok', chroma: 'ok', local: 'ok' } });
    const workspace = await fetch(`http://localhost:${port}/`);
    assert.equal(workspace.status, 200, 'the local workspace is served at / with no token set');
    assert.match(await workspace.text(), /<title>Operator · workspace<\/title>/);
    assert.ok(fs.existsSync(`${dir}/fresh/operator.db`));
    const missing = await fetch(`http://127.0.0.1:${port}/nope`);
    assert.equal(missing.status, 404);
    service.kill('SIGTERM');
    assert.equal(await exited(service), 0);
  } finally {
    service.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad setting stops start-up with a message that names it', async () => {
  const result = await runNode(['src/main.ts'], { DATABASE_URL: 'mysql://nope', PORT: '70000' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Operator cannot start; fix these settings/);
  assert.match(result.stderr, /DATABASE_URL is "mysql:\/\/nope"/);
  assert.match(result.stderr, /PORT is "70000"/);
});

test('with Chroma unreachable the service stays up: /healthz says degraded (200), and recall falls back to keywords', async () => {
  const database = await createTestDatabase('sqlite');
  const closedPort = await freePort();
  const service = await testService(database, [], { CHROMA_URL: `http://127.0.0.1:${closedPort}` });
  try {
    const response = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    assert.equal(response.status, 200, 'a restart would not bring Chroma back, so the service is not reported down');
    const health = (await response.json()) as { status: string; checks: Record<string, string>; problems: Record<string, string> };
    assert.deepEqual({ status: health.status, checks: health.checks }, { status: 'degraded', checks: { store: 'ok', chroma: 'unavailable', local: 'ok' } });
    assert.deepEqual(Object.keys(health.problems), ['chroma'], 'only the part that is down is named');
    assert.match(health.problems.chroma!, /Chroma server at CHROMA_URL cannot be reached; recall answers by keyword search.*Fix: start it, or correct CHROMA_URL/);
    await service.operator.memory.remember({ kind: 'fact', text: 'Acme pays invoices within 14 days', source: 'cli', createdBy: 'cli:test' });
    const recall = await service.operator.memory.recall('when does Acme pay');
    assert.equal(recall.degraded, true);
    assert.match(recall.citations[0]?.snippet ?? '', /14 days/);
  } finally {
    await service.stop();
    await database.drop();
  }
});
