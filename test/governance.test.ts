// Governance: a revoked operator is refused at once (read from the store on every request, so in
// every replica), credentials rotate on SIGHUP or a file change without a restart, /op audit shows
// decisions and model inputs and outputs redacted, /healthz names every dependency.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../src/ops/logger.ts';
import { startService, type Service } from '../src/service.ts';
import { recordModelCall } from '../src/store/model-calls.ts';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, type TestDatabase } from './support/databases.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { testConfig, waitForStatus } from './support/operator.ts';
import { pollUntil, within } from './support/poll.ts';
import { opBinary, runNode } from './support/processes.ts';
import { blockActionBody, postToSlackEndpoint, slashCommandBody } from './support/slack-requests.ts';

const OPERATOR = 'UOPS';
const FIRST = { token: 'xoxb-first-token-0001', secret: 'first-signing-secret' };
const SECOND = { token: 'xoxb-second-token-0002', secret: 'second-signing-secret' };

describe('governance', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let service: Service;
  let envFile: string;
  let url: string;
  const logs: Record<string, unknown>[] = [];
  let secret = FIRST.secret;

  /** Every version of the file has the same size, so only the modification time tells them apart. */
  const writeEnv = (settings: Record<string, string>) =>
    fs.writeFileSync(envFile, `${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n')}\n#`.padEnd(512, '#'));
  const slackEnv = (credentials: typeof FIRST, operators = OPERATOR) => ({
    SLACK_BOT_TOKEN: credentials.token,
    SLACK_SIGNING_SECRET: credentials.secret,
    SLACK_API_URL: fake.apiUrl,
    OPERATOR_SLACK_USER_IDS: operators,
  });
  const command = (text: string, user: string, name: string) =>
    postToSlackEndpoint(url, secret, slashCommandBody({ text, userId: user, channelId: 'C1', responseUrl: fake.responseUrl(name) }));
  const click = (action: string, planId: string, user: string, name: string) =>
    postToSlackEndpoint(url, secret, blockActionBody({ userId: user, channelId: 'C1', actionId: `op:${action}`, value: `${planId}:1`, messageTs: '1700000000.000100', responseUrl: fake.responseUrl(name) }));
  const response = (name: string) => fake.waitFor(() => fake.calls.find((c) => c.method === 'response_url' && c.name === name));
  const op = (...args: string[]) => runNode([opBinary, ...args], { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });

  /** A fixture-gated plan waiting at its approval gate. */
  async function planAtGate(): Promise<string> {
    const { plan } = await service.operator.conductor.start('fixture-gated', { amount: 50 }, { requestedBy: `slack:${OPERATOR}` });
    await waitForStatus(service.operator, plan.id, ['waiting_answer']);
    await service.operator.conductor.answer(plan.id, `slack:${OPERATOR}`, 'PO-7');
    await waitForStatus(service.operator, plan.id, ['waiting_approval']);
    return plan.id;
  }

  before(async () => {
    fake = await startFakeSlack();
    database = await createTestDatabase('sqlite');
    envFile = path.join(database.dir, 'operator.env');
    writeEnv(slackEnv(FIRST));
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (logs.push(JSON.parse(String(chunk))), done()) }));
    service = await startService(testConfig(database, { ...slackEnv(FIRST), OPERATOR_ENV_FILE: envFile }), logger, new WorkflowRegistry([gatedWorkflow]));
    url = `http://127.0.0.1:${service.port}/slack/events`;
  });
  after(async () => {
    await service.stop();
    await fake.close();
    await database.drop();
  });

  test('op operator revoke refuses that operator\'s next click at once, audited; restore lets them act again', async () => {
    const planId = await planAtGate();
    const revoked = await op('operator', 'revoke', `slack:${OPERATOR}`, '--reason', 'laptop stolen', '--as', 'cli:owner');
    assert.equal(revoked.code, 0, revoked.stderr);

    await click('approve', planId, OPERATOR, 'revoked-click');
    assert.match(String((await response('revoked-click')).body.text), /operator access has been revoked/);
    assert.equal((await service.operator.conductor.show(planId)).plan.status, 'waiting_approval', 'nothing changed');
    const refusal = await service.operator.store.prisma((db) => db.auditEntry.findFirst({ where: { action: 'refused.button.approve' } }));
    assert.equal(refusal?.actor, `slack:${OPERATOR}`);
    assert.equal(refusal?.reason, 'operator access revoked');
    const revocation = await service.operator.store.prisma((db) => db.auditEntry.findFirst({ where: { action: 'operator.revoked' } }));
    assert.equal(revocation?.actor, 'cli:owner');
    assert.equal(revocation?.reason, 'laptop stolen');

    const listed = await op('operator', 'revocations');
    assert.match(listed.stdout, new RegExp(`slack:${OPERATOR}\\s+revoked .* by cli:owner: laptop stolen`));
    assert.equal((await op('operator', 'restore', `slack:${OPERATOR}`)).code, 0);
    await click('approve', planId, OPERATOR, 'restored-click');
    await waitForStatus(service.operator, planId, ['completed']);
  });

  test('op operator revoke and restore reject a malformed user and change nothing', async () => {
    const bad = await op('operator', 'revoke', 'UOPS');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"UOPS" is not <platform>:<user id>/);
    assert.match(bad.stderr, /op operator revoke slack:U012AB3CD/);
    const notRevoked = await op('operator', 'restore', 'slack:UNOBODY');
    assert.equal(notRevoked.code, 2);
    assert.match(notRevoked.stderr, /slack:UNOBODY is not revoked/);
    assert.equal(await service.operator.store.prisma((db) => db.operatorRevocation.count()), 0);
  });

  test('SIGHUP with a changed env file swaps the bot token of the next Web API call and the signing secret', async () => {
    const tokenOfNextCall = async () => {
      const before = fake.callsTo('auth.test').length;
      await service.slack!.check();
      return fake.callsTo('auth.test')[before]!.token;
    };
    assert.equal(await tokenOfNextCall(), FIRST.token);

    // Same size and modification time as before: only the signal can tell the service to reload.
    const previous = fs.statSync(envFile);
    writeEnv(slackEnv(SECOND, `${OPERATOR},UNEW`));
    fs.utimesSync(envFile, previous.atime, previous.mtime);
    await within(service.settings.fileChecks.finishedSince(), 5000, () => 'the file watcher did not look again'); // it sees the touch and finds nothing new
    assert.equal(await tokenOfNextCall(), FIRST.token);
    process.kill(process.pid, 'SIGHUP');
    await pollUntil(async () => (await tokenOfNextCall()) === SECOND.token, 5000, () => 'the new bot token is not used');

    // Requests signed with the old secret are now refused, the new one is accepted, and the
    // reloaded allowlist lets the new operator act.
    assert.equal((await command('help', OPERATOR, 'old-secret')).status, 401);
    secret = SECOND.secret;
    assert.equal((await command('digest', 'UNEW', 'new-operator')).status, 200);
    assert.match(String((await response('new-operator')).body.text), /Posting the digest/);
    const post = await fake.waitFor(() => fake.callsTo('chat.postMessage').find((c) => c.body.channel === 'C1' && JSON.stringify(c.body.blocks).includes('Daily digest')));
    assert.equal(post.token, SECOND.token, 'the dispatcher posts with the new token');
  });

  test('a bad env file keeps the running settings and the log says what is wrong, without the secret', async () => {
    writeEnv({ ...slackEnv(SECOND), SLACK_BOT_TOKEN: 'not-a-bot-token-3' });
    const reloaded = await service.settings.reload();
    assert.equal(reloaded, false);
    const complaint = logs.find((line) => String(line.msg).includes('running settings stay in force'));
    assert.match(String(complaint?.problems), /SLACK_BOT_TOKEN .*a bot token starts with xoxb-/);
    const before = fake.callsTo('auth.test').length;
    await service.slack!.check();
    assert.equal(fake.callsTo('auth.test')[before]!.token, SECOND.token, 'the old token stays in use');
    assert.ok(!JSON.stringify(logs).includes(SECOND.secret), 'no secret reaches the log');
  });

  test('editing the env file is picked up without a signal', async () => {
    writeEnv(slackEnv({ token: 'xoxb-third-token-0003', secret: SECOND.secret }));
    await pollUntil(
      async () => {
        const before = fake.callsTo('auth.test').length;
        await service.slack!.check();
        return fake.callsTo('auth.test')[before]!.token === 'xoxb-third-token-0003';
      },
      5000,
      () => 'the file change was not applied',
    );
  });

  test('/op audit shows transitions, decisions with who, when and why, and model calls redacted', async () => {
    const planId = await planAtGate();
    await recordModelCall(service.operator.store, {
      planId,
      stepKey: 'quote',
      workflow: 'fixture-gated',
      task: 'extract-customer',
      path: 'model',
      model: 'gpt-test',
      promptTokens: 120,
      completionTokens: 30,
      costUsd: 0.0021,
      input: { text: 'Quote for jane.doe@acme.example, phone +49 30 1234567' },
      output: { customer: 'ACME', email: 'jane.doe@acme.example' },
      error: null,
      durationMs: 40,
    });
    await command(`approve ${planId} matches the purchase order`, OPERATOR, 'approve-with-reason');
    await waitForStatus(service.operator, planId, ['completed']);

    await command(`audit ${planId}`, OPERATOR, 'audit');
    const audit = await response('audit');
    const text = JSON.stringify(audit.body.blocks);
    assert.match(text, new RegExp(`<@${OPERATOR}> approval.granted \\[approve\\] waiting_approval → running: matches the purchase order \\(waited \\d+ min\\)`));
    assert.match(text, /plan.started ∅ → running/);
    assert.match(text, /question.answered \[ask-po\]/);
    assert.match(text, /extract-customer \[quote\] \(gpt-test, 120\+30 tokens, \$0.0021\)/);
    assert.match(text, /\[email\]/);
    assert.ok(!text.includes('jane.doe@acme.example'), 'the e-mail address is redacted');
    assert.ok(!text.includes('1234567'), 'the phone number is redacted');
  });

  test('/healthz reports the store and each adapter', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${service.port}/healthz`)).json()) as { checks: Record<string, string> };
    assert.equal(health.checks.store, 'ok');
    assert.equal(health.checks.slack, 'ok');
    assert.equal(health.checks.local, 'ok');
  });
});
