// The front door takes anything without falling over: correctly signed Slack requests with
// payloads of every shape (null, arrays, missing users, wrong types, unknown action ids), random
// workspace bodies, bodies over the limit, slow bodies and bodies shorter than their
// Content-Length. Each gets an answer below 500 and the service process (`src/main.ts`) stays up:
// /healthz answers 200 afterwards, on fresh and on reused connections.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { projectRoot } from '../src/store/prisma-cli.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { pollUntil } from './support/poll.ts';
import { exited, freePort } from './support/processes.ts';
import { FORM, postToSlackEndpoint, signSlackRequest, slashCommandBody } from './support/slack-requests.ts';
import { workspaceRequest } from './support/workspace-client.ts';

const SECRET = 'fuzz-signing-secret';
const OPERATOR = 'UFUZZ';
const MAX_BODY_BYTES = 8 * 1024;
const BODY_TIMEOUT_MS = 1000;

describe('front door under malformed requests', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let port: number;
  let service: ChildProcess;
  let serviceLog = '';
  const slackUrl = () => `http://127.0.0.1:${port}/slack/events`;

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    port = await freePort();
    service = spawn(process.execPath, ['src/main.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DATA_DIR: path.join(database.dir, 'data'),
        PORT: String(port),
        LOG_LEVEL: 'error',
        SLACK_BOT_TOKEN: 'xoxb-fuzz',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        OPERATOR_SLACK_USER_IDS: OPERATOR,
        HTTP_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        HTTP_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
        CHROMA_URL: `http://127.0.0.1:${await freePort()}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    service.stderr!.on('data', (chunk: Buffer) => (serviceLog += chunk.toString()));
    await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200 || null, 180_000, () => `the service did not start: ${serviceLog}`);
  });
  after(async () => {
    service.kill('SIGKILL');
    await exited(service);
    await fake.close();
    await database.drop();
  });

  const alive = () => assert.equal(service.exitCode ?? service.signalCode, null, `the service exited: ${serviceLog}`);

  // Where an answer may go: the fake's response_url, or text that is no URL (never a real host).
  const responseUrl = () => fc.constantFrom(fake.responseUrl('fuzz'), 'not a url', '');
  const anyValue = fc.oneof(fc.jsonValue(), fc.constant(null), fc.array(fc.jsonValue()));
  const blockAction = () =>
    fc.record(
      {
        type: fc.oneof(fc.constantFrom('block_actions', 'view_submission', 'shortcut', 'url_verification'), fc.jsonValue()),
        user: fc.oneof(fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.constant(OPERATOR)) }), anyValue),
        trigger_id: fc.oneof(fc.string(), fc.integer()),
        response_url: responseUrl(),
        actions: fc.oneof(
          anyValue,
          fc.array(
            fc.record(
              {
                type: fc.constantFrom('button', 'static_select', 'nope'),
                action_id: fc.oneof(fc.constantFrom('op:approve', 'op:deny', 'op:nope', 'other:thing'), fc.string()),
                value: fc.oneof(fc.string(), fc.integer(), fc.constant('p-missing:1')),
                action_ts: fc.oneof(fc.string(), fc.double()),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
      },
      { requiredKeys: [] },
    );
  const slackBody = () =>
    fc.oneof(
      // block actions and other interactivity: a payload field of JSON, or not JSON at all
      fc.oneof(anyValue, blockAction()).map((payload) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString()),
      fc.string().map((payload) => new URLSearchParams({ payload }).toString()),
      // slash commands with fields missing or odd
      fc
        .record(
          { command: fc.constantFrom('/op', '/other', ''), text: fc.string({ maxLength: 200 }), user_id: fc.constantFrom(OPERATOR, 'USOMEONE', ''), channel_id: fc.string(), trigger_id: fc.string(), response_url: responseUrl() },
          { requiredKeys: [] },
        )
        .map((fields) => new URLSearchParams(fields).toString()),
      // Events API bodies of any shape
      fc.oneof(anyValue, fc.record({ type: fc.constantFrom('event_callback', 'url_verification', 'other'), event_id: fc.string(), event: anyValue }, { requiredKeys: [] })).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 300 }),
    );

  test('signed Slack requests of any shape get an answer below 500 and the service stays up', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(slackBody(), async (body) => {
        const answer = await postToSlackEndpoint(slackUrl(), SECRET, body);
        assert.ok(answer.status < 500, `HTTP ${answer.status} ${answer.text} for ${body.slice(0, 300)}`);
      }),
      { numRuns: 150 },
    );
    alive();
    const nullPayload = await postToSlackEndpoint(slackUrl(), SECRET, 'payload=null');
    assert.equal(nullPayload.status, 400);
    assert.match(nullPayload.text, /payload field is not a JSON object/);
    const noUser = await postToSlackEndpoint(slackUrl(), SECRET, new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', actions: [{ type: 'button', action_id: 'op:approve', action_ts: '1' }] }) }).toString());
    assert.equal(noUser.status, 400);
    assert.match(noUser.text, /Operator cannot use this request/);
  });

  test('random workspace bodies get an answer below 500', { timeout: 300_000 }, async () => {
    const route = fc.constantFrom('/workspace/command', '/workspace/button', '/workspace/reply');
    const body = fc.oneof(
      anyValue,
      fc.record({ requestId: fc.oneof(fc.string(), fc.stringMatching(/^[\w-]{8,20}$/), fc.integer()), text: fc.oneof(fc.string(), anyValue), actionId: fc.string(), value: fc.string(), threadId: fc.string() }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(route, body, async (path, json) => {
        const answer = await workspaceRequest(port, 'POST', path, { body: json });
        assert.ok(answer.status < 500, `HTTP ${answer.status} ${answer.body} for ${path} ${JSON.stringify(json)?.slice(0, 300)}`);
      }),
      { numRuns: 150 },
    );
    alive();
  });

  test('a command over the text limit is acknowledged and answered with what to do instead, and starts nothing', async () => {
    const text = `start supplier-payment ${'x'.repeat(5000)}`;
    const body = slashCommandBody({ text, userId: OPERATOR, responseUrl: fake.responseUrl('too-long') });
    assert.equal((await postToSlackEndpoint(slackUrl(), SECRET, body)).status, 200);
    const answer = await fake.waitFor((calls) => calls.find((call) => call.method === 'response_url' && call.name === 'too-long'));
    assert.match(JSON.stringify(answer.body), /5,023 characters long; Operator takes at most 4,000\. Nothing was done: shorten it/);
  });

  test('a body over the limit gets 413, a slow or short body 408, and the next requests on reused connections are answered', { timeout: 60_000 }, async () => {
    const huge = slashCommandBody({ text: 'x'.repeat(MAX_BODY_BYTES * 4), userId: OPERATOR, responseUrl: fake.responseUrl('huge') });
    assert.equal((await postToSlackEndpoint(slackUrl(), SECRET, huge)).status, 413);
    // A body streamed over the limit without a Content-Length, on a keep-alive agent that then carries more requests.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const streamed = await new Promise<number>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers: { ...signSlackRequest(SECRET, 'x'), 'content-type': FORM } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      for (let i = 0; i < 4; i++) request.write('x'.repeat(MAX_BODY_BYTES));
      request.end();
    });
    assert.equal(streamed, 413);
    for (let i = 0; i < 5; i++) {
      const status = await new Promise<number>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (response) => (response.resume(), resolve(response.statusCode ?? 0))).on('error', reject),
      );
      assert.equal(status, 200, 'a reused connection answers the next request');
    }
    agent.destroy();

    // Content-Length promises more than is sent: answered 408 after the body deadline, not held open.
    const short = await rawExchange(port, `POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-type: ${FORM}\r\ncontent-length: 500\r\n${headerLines(signSlackRequest(SECRET, 'short'))}\r\nshort`);
    assert.match(short, /^HTTP\/1\.1 408/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    alive();
  });
});

const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .filter(([name]) => name !== 'content-type')
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');

/** Writes raw bytes and reads what comes back until the server closes or 10 s pass. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    const timer = setTimeout(() => (socket.destroy(), resolve(answer)), 10_000);
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (/\r\n\r\n/.test(answer)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', reject);
  });
}
