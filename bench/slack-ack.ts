/**
 * Slack ack latency: how long an HTTP endpoint takes to answer (ack) signed slash commands and
 * button clicks, sent as Slack sends them. Slack gives an app 3 s to ack; the ack is what a user
 * waits for before anything shows.
 *
 * measureAckLatency is open-loop: request i is due at start + i / rate and is sent then, however
 * slow earlier answers are, so a slow server meets the same load as a fast one (the rate is never
 * lowered by the thing being measured). Latency runs from the moment a request was due (not from
 * when it actually left, which a stalled event loop would delay), until its response has been read,
 * so stalls are counted rather than hidden (no coordinated omission). Requests go through fetch,
 * whose default agent keeps connections alive.
 *
 * startBareBolt is the `bare-bolt` baseline: a Bolt App in HTTP mode whose `/op` command and
 * `op:approve` button listeners only ack(). Its authorize function answers with a fixed bot token,
 * so it never calls Slack (auth.test included).
 *
 * run() (`npm run bench -- slack-ack`, or `scripts/node bench/slack-ack.ts` alone) compares the
 * real Operator service (startService from src/service.ts: front door thread, conductor, worker,
 * dispatcher, Slack adapter, on a fresh SQLite database in a temp dir) with bare-bolt in the same
 * process, per kind and alternately (bare-bolt command, operator command, bare-bolt button,
 * operator button), each after a short warm-up and on a settled service (no plan running, outbox
 * empty). The service's Web API is the fake Slack of the tests, in a child process
 * (bench/fake-slack-process.ts) at the lowest CPU priority: Slack's servers are not on the
 * service's machine, so playing them must not take CPU time from what is measured. The requests
 * come from a load generator in a child process (bench/slack-load-process.ts, running
 * measureAckLatency); as with
 * Slack, an ack counts when the service has written it, not when a busy shared event loop gets
 * round to reading it. The event-loop delay and CPU use of the bench's process (bare-bolt, or the
 * service's core thread) are reported per phase. Both targets get the same bodies from an
 * allowlisted operator:
 * - command: `/op start bench-linear-5 n=<i>`, so every ack is followed by real work (a plan is
 *   started and run through its five steps, its card posted and updated by the dispatcher);
 * - button: `op:approve` on `<planId>:1` of a `bench-approval` plan created beforehand and waiting
 *   at its gate, a different plan per click, so every ack is followed by a real approval.
 * Prints {"bench":"slack-ack","metric":"ack_p50_ms"|"ack_p99_ms","kind":...,"value":N,"unit":"ms",
 * "baseline":"bare-bolt","baseline_value":N,"ratio":N} per kind on stdout; counts, errors, send lag,
 * event-loop delay and what the service did go to stderr.
 *
 * Settings (environment): OP_BENCH_SLACK_RATE (requests per second, default 100),
 * OP_BENCH_SLACK_DURATION_MS (per kind and target, default 20000), OP_BENCH_SLACK_WARMUP_MS
 * (default 1000), OP_BENCH_SLACK_KINDS (default command,button; one of them to profile it alone).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import bolt from '@slack/bolt';
import { ConfigSchema } from '../src/config/config.ts';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { createLogger } from '../src/ops/logger.ts';
import { startService } from '../src/service.ts';
import { blockActionBody, postToSlackEndpoint, slashCommandBody } from '../test/support/slack-requests.ts';
import type { FakeSlackReport, FakeSlackRequest } from './fake-slack-process.ts';
import type { LoadReport, LoadRequest, LoadSpec } from './slack-load-process.ts';
import { BENCH_APPROVAL_WORKFLOW, BENCH_WORKFLOW, benchApprovalWorkflow, benchWorkflow } from './workflow.ts';

const { App, LogLevel } = bolt;

export type AckKind = 'command' | 'button';

export interface AckLatencyOptions {
  /** The app's Slack endpoint, e.g. http://127.0.0.1:PORT/slack/events. */
  url: string;
  signingSecret: string;
  /** What the bodies are; both kinds are form-encoded, as Slack sends them. */
  kind: AckKind;
  ratePerSecond: number;
  durationMs: number;
  makeBody: (i: number) => string;
  /** A request not answered within this is an error (default 10 s; Slack itself gives up after 3 s). */
  timeoutMs?: number;
}

export interface AckLatency {
  kind: AckKind;
  /** Milliseconds from the moment a request was due to its response, over the answered ones. */
  p50: number;
  p99: number;
  max: number;
  /** Requests sent. */
  count: number;
  /** Requests that failed, timed out or were not answered 200. */
  errors: number;
  /** How late requests left, 99th percentile (ms): a large value means the sender could not keep the rate. */
  sendLagP99: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export async function measureAckLatency(options: AckLatencyOptions): Promise<AckLatency> {
  const { url, signingSecret, kind, ratePerSecond, durationMs, makeBody, timeoutMs = 10_000 } = options;
  if (!(ratePerSecond > 0) || !(durationMs > 0)) throw new Error('ratePerSecond and durationMs must be positive');
  const total = Math.max(1, Math.floor((durationMs * ratePerSecond) / 1000));
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  const sendLags: number[] = [];
  let errors = 0;
  let firstError: string | undefined;

  const send = async (i: number, due: number) => {
    const body = makeBody(i);
    sendLags.push(performance.now() - due);
    try {
      const response = await postToSlackEndpoint(url, signingSecret, body, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.status !== 200) throw new Error(`HTTP ${response.status} ${response.text.slice(0, 200)}`);
      latencies.push(performance.now() - due);
    } catch (error) {
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  };

  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 10;
  let next = 0;
  while (next < total) {
    const wait = start + next * interval - performance.now();
    if (wait > 0) await sleep(wait);
    // Send everything that is due, including requests a late timer made overdue.
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      const due = start + next * interval;
      inFlight.push(send(next, due));
      next += 1;
    }
  }
  await Promise.all(inFlight);
  if (firstError !== undefined) process.stderr.write(`[bench slack-ack] ${kind}: ${errors} errors, first: ${firstError}\n`);

  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  return {
    kind,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
    count: total,
    errors,
    sendLagP99: round(percentile(sendLags, 99)),
  };
}

/** A Bolt App in HTTP mode on a local port whose listeners only ack(); it never calls Slack. */
export async function startBareBolt(signingSecret: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = new App({
    signingSecret,
    authorize: async () => ({ botToken: 'xoxb-x', botId: 'B', botUserId: 'U' }),
    // Nothing here calls the Web API; should anything try, it stays on this machine.
    clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
    logLevel: LogLevel.ERROR,
  });
  app.command('/op', async ({ ack }) => {
    await ack();
  });
  app.action('op:approve', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    close: async () => {
      server.closeIdleConnections();
      await app.stop();
    },
  };
}

export interface SlackBodyOptions {
  userId?: string;
  channelId?: string;
  /** Where the app may answer; a local address that refuses connections by default. */
  responseUrl?: string;
  /** The text after `/op` of command i (default `status plan-<i>`). */
  commandText?: (i: number) => string;
  /** The value of button i (default `plan-<i>`). */
  buttonValue?: (i: number) => string;
}

/** Bodies for `kind`, each distinct (its own trigger id, and its own value for buttons). */
export function slackBodies(kind: AckKind, options: SlackBodyOptions = {}): (i: number) => string {
  // Never called by an app that only acks; a local address all the same.
  const {
    userId,
    channelId,
    responseUrl = 'http://127.0.0.1:9/respond/unused',
    commandText = (i) => `status plan-${i}`,
    buttonValue = (i) => `plan-${i}`,
  } = options;
  return kind === 'command'
    ? (i) => slashCommandBody({ text: commandText(i), userId, channelId, responseUrl })
    : (i) => blockActionBody({ actionId: 'op:approve', value: buttonValue(i), userId, channelId, messageTs: '1700000000.000100', responseUrl });
}

// ---------------------------------------------------------------------------------------------
// `npm run bench -- slack-ack`: bare Bolt against the real Operator service.

const BENCH_USER = 'UBENCHOPS';
const BENCH_CHANNEL = 'CBENCH';
const SIGNING_SECRET = 'bench-signing-secret';

const note = (text: string) => process.stderr.write(`[bench slack-ack] ${text}\n`);

function numberSetting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function emit(metric: string, kind: AckKind, value: number, baselineValue: number): void {
  const round = (n: number) => Math.round(n * 100) / 100;
  const line = {
    bench: 'slack-ack',
    metric,
    kind,
    value: round(value),
    unit: 'ms',
    baseline: 'bare-bolt',
    baseline_value: round(baselineValue),
    ratio: Number((value / baselineValue).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** A pino logger that writes nothing but counts what it was given at warn and above, for the diagnostics. */
function countingLogger() {
  const counts = { warn: 0, error: 0 };
  const first: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const record = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          if ((record.level ?? 0) >= 50) counts.error += 1;
          else if ((record.level ?? 0) >= 40) counts.warn += 1;
          if (first.length < 5) first.push(`${record.msg ?? ''}${record.err?.message ? `: ${record.err.message}` : ''}`.slice(0, 300));
        } catch {
          counts.error += 1;
        }
      }
      done();
    },
  });
  return { logger: createLogger('warn', stream), counts, first };
}

/** Event-loop delay over a phase, sampled every 10 ms (p99 and max, in ms). */
function loopDelay() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    return `loop delay p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms`;
  };
}

/** A helper process with an IPC channel: next(type) waits for its next report of that type. */
function forkHelper<Report extends { type: string }, Request extends { type: string }>(script: string, name: string) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { stdio: ['ignore', 2, 2, 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T extends Report['type']>(type: T, match: (report: Extract<Report, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<Report, { type: T }>>((resolve, reject) => {
      const onMessage = (report: Report) => {
        if (report.type !== type || !match(report as Extract<Report, { type: T }>)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(report as Extract<Report, { type: T }>);
      };
      const onExit = () => reject(new Error(`the ${name} process exited before sending ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    pid: child.pid!,
    next,
    request: (message: Request) => void child.send(message),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The fake Slack Web API in a child process (bench/fake-slack-process.ts), off the measured event loop. */
async function startFakeSlackProcess() {
  const helper = forkHelper<FakeSlackReport, FakeSlackRequest>('./fake-slack-process.ts', 'fake Slack');
  // Slack's servers are not on the service's machine: playing them here must not take CPU time
  // from the service or the load generator, so this process runs at the lowest priority.
  os.setPriority(helper.pid, 19);
  const { apiUrl, responseUrl } = await helper.next('ready');
  return {
    apiUrl,
    responseUrl,
    counts: async () => {
      const answer = helper.next('counts');
      helper.request({ type: 'counts' });
      return (await answer).methods;
    },
    close: helper.close,
  };
}

/** The load generator in a child process (bench/slack-load-process.ts), playing Slack's side of the exchange. */
async function startLoadProcess() {
  const helper = forkHelper<LoadReport, LoadRequest>('./slack-load-process.ts', 'load generator');
  await helper.next('ready');
  let ids = 0;
  return {
    measure: async (spec: LoadSpec): Promise<AckLatency> => {
      const id = ++ids;
      const answer = helper.next('result', (report) => report.id === id);
      helper.request({ type: 'measure', id, spec });
      const { result, error } = await answer;
      if (!result) throw new Error(`the load generator failed: ${error}`);
      return result;
    },
    close: helper.close,
  };
}

/** Machine-wide CPU use between two calls, from /proc/stat (Linux), to tell a loaded machine from a slow service. */
function machineCpu() {
  const read = () => {
    try {
      const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
      return { busy: user + nice + system + irq + softirq, idle: idle + iowait, iowait, steal };
    } catch {
      return null;
    }
  };
  const before = read();
  return () => {
    const after = read();
    if (!before || !after) return 'machine CPU unknown';
    const total = after.busy + after.idle + after.steal - (before.busy + before.idle + before.steal);
    const pct = (part: number) => `${((100 * part) / Math.max(1, total)).toFixed(0)}%`;
    return `machine (${os.cpus().length} CPUs) busy ${pct(after.busy - before.busy)}, iowait ${pct(after.iowait - before.iowait)}, steal ${pct(after.steal - before.steal)}`;
  };
}

const describe = (target: string, result: AckLatency, loop: string) =>
  `${target} ${result.kind}: p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms, ${result.count} sent, ${result.errors} errors, sendLagP99 ${result.sendLagP99} ms; ${loop}`;

export async function run(): Promise<void> {
  const rate = numberSetting('OP_BENCH_SLACK_RATE', 100);
  const durationMs = numberSetting('OP_BENCH_SLACK_DURATION_MS', 20_000);
  const warmUpMs = numberSetting('OP_BENCH_SLACK_WARMUP_MS', 1000);
  const kinds = (process.env.OP_BENCH_SLACK_KINDS ?? 'command,button').split(',').map((k) => k.trim()) as AckKind[];
  if (kinds.length === 0 || kinds.some((k) => k !== 'command' && k !== 'button')) throw new Error('OP_BENCH_SLACK_KINDS lists command and/or button');
  const started = Date.now();
  note(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}; ${rate} requests/s for ${durationMs} ms per kind and target, ${warmUpMs} ms warm-up`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-bench-slack-'));
  const cleanups: (() => Promise<void>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0)) {
      await cleanup().catch((error: unknown) => note(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  // Stopped from outside (Ctrl-C, a timeout): what it started stops too, the service's Chroma
  // server included, which ignores signals and would otherwise run on without its parent.
  const stopOnSignal = (signal: NodeJS.Signals) => void cleanUp().finally(() => process.exit(128 + os.constants.signals[signal]));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const fake = await startFakeSlackProcess();
    cleanups.unshift(() => fake.close());
    const bare = await startBareBolt(SIGNING_SECRET);
    cleanups.unshift(() => bare.close());
    const load = await startLoadProcess();
    cleanups.unshift(() => load.close());
    const logs = countingLogger();
    const config = ConfigSchema.parse({
      DATABASE_URL: `file:${path.join(dir, 'operator.db')}`,
      DATA_DIR: path.join(dir, 'data'),
      PORT: '0',
      LOG_LEVEL: 'warn',
      WORKER_ID: 'bench-slack',
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      OPERATOR_SLACK_USER_IDS: BENCH_USER,
    });
    const service = await startService(config, logs.logger, new WorkflowRegistry([benchWorkflow, benchApprovalWorkflow]));
    cleanups.unshift(() => service.stop());
    const operatorUrl = `http://127.0.0.1:${service.port}/slack/events`;
    const { store } = service.operator;

    const countPlans = (workflow: string) =>
      store.prisma(async (db) => {
        const groups = await db.plan.groupBy({ by: ['status'], where: { workflow }, _count: { _all: true } });
        return Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Record<string, number>;
      });
    const undelivered = () => store.prisma((db) => db.notice.count({ where: { deliveredAt: null } }));
    /** Waits until no plan is running and the outbox is empty: the next measurement starts on a quiet service. */
    const settle = async (label: string, timeoutMs = 300_000) => {
      const since = Date.now();
      for (;;) {
        const running = await store.prisma((db) => db.plan.count({ where: { status: { in: ['running', 'compensating'] } } }));
        const notices = await undelivered();
        if (running === 0 && notices === 0) {
          note(`${label}: settled in ${Date.now() - since} ms`);
          return;
        }
        if (Date.now() - since > timeoutMs) {
          note(`${label}: NOT settled after ${timeoutMs} ms (${running} plans running, ${notices} notices undelivered); going on`);
          return;
        }
        await sleep(100);
      }
    };

    // Plans waiting at their approval gate, one per click (warm-up clicks included).
    const perRun = (ms: number) => Math.max(1, Math.floor((ms * rate) / 1000));
    const clicks = perRun(warmUpMs) + perRun(durationMs);
    const creatingSince = Date.now();
    const planIds: string[] = [];
    for (let from = 0; from < clicks; from += 256) {
      const batch = Array.from({ length: Math.min(256, clicks - from) }, (_, k) =>
        service.operator.conductor.start(BENCH_APPROVAL_WORKFLOW, { n: from + k }, { requestedBy: `slack:${BENCH_USER}` }),
      );
      for (const state of await Promise.all(batch)) planIds.push(state.plan.id);
    }
    for (;;) {
      const byStatus = await countPlans(BENCH_APPROVAL_WORKFLOW);
      if ((byStatus.waiting_approval ?? 0) === clicks) break;
      if (Date.now() - creatingSince > 300_000) throw new Error(`approval plans did not all reach waiting_approval: ${JSON.stringify(byStatus)}`);
      await sleep(100);
    }
    note(`${clicks} ${BENCH_APPROVAL_WORKFLOW} plans waiting for approval after ${Date.now() - creatingSince} ms`);
    await settle('setup');

    const warmUps = perRun(warmUpMs);
    const specFor = (kind: AckKind, url: string, durationMs: number, offset: number): LoadSpec => ({
      url,
      signingSecret: SIGNING_SECRET,
      kind,
      ratePerSecond: rate,
      durationMs,
      userId: BENCH_USER,
      channelId: BENCH_CHANNEL,
      responseUrl: fake.responseUrl,
      commandTemplate: `start ${BENCH_WORKFLOW} n={n}`,
      nOffset: offset,
      buttonValues: kind === 'button' ? planIds.slice(offset).map((id) => `${id}:1`) : undefined,
    });
    const measure = async (target: string, url: string, kind: AckKind) => {
      await load.measure(specFor(kind, url, warmUpMs, 0));
      const loop = loopDelay();
      const machine = machineCpu();
      const cpuBefore = process.cpuUsage();
      const result = await load.measure(specFor(kind, url, durationMs, warmUps));
      const cpu = process.cpuUsage(cpuBefore);
      note(`${describe(target, result, loop())}; this process used ${((100 * (cpu.user + cpu.system)) / 1000 / durationMs).toFixed(0)}% of a CPU; ${machine()}`);
      return result;
    };

    for (const kind of kinds) {
      const baseline = await measure('bare-bolt', bare.url, kind);
      const callsBefore = await fake.counts();
      const operator = await measure('operator', operatorUrl, kind);
      const running = await store.prisma((db) => db.plan.count({ where: { status: { in: ['running', 'compensating'] } } }));
      note(`operator ${kind}: when the last request was answered, ${running} plans were running and ${await undelivered()} notices undelivered`);
      await settle(`operator ${kind}`);
      const workflow = kind === 'command' ? BENCH_WORKFLOW : BENCH_APPROVAL_WORKFLOW;
      const methods = Object.fromEntries(Object.entries(await fake.counts()).map(([method, n]) => [method, n - (callsBefore[method] ?? 0)]).filter(([, n]) => n !== 0));
      note(`operator ${kind}: ${workflow} plans by status ${JSON.stringify(await countPlans(workflow))}; fake Slack calls ${JSON.stringify(methods)}; logged ${logs.counts.warn} warnings, ${logs.counts.error} errors so far`);
      if (operator.errors > 0 || baseline.errors > 0) note(`${kind}: errors (bare-bolt ${baseline.errors}, operator ${operator.errors}): latencies count answered requests only`);
      emit('ack_p50_ms', kind, operator.p50, baseline.p50);
      emit('ack_p99_ms', kind, operator.p99, baseline.p99);
    }
    if (logs.first.length > 0) note(`first log records at warn and above: ${logs.first.join(' | ')}`);
  } finally {
    await cleanUp();
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  note(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}

if (import.meta.main) {
  await run();
  // The service's pools and timers must not keep the process up once the bench is done.
  process.exit(0);
}
