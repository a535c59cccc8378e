/**
 * `npm run bench -- conductor`: how fast the conductor advances durable plans, and how fast a
 * restarted worker resumes the plans its killed predecessor held. Prints one JSON line per result
 * on stdout (notes and breakdowns go to stderr):
 *   {"bench":"conductor","metric":...,"value":N,"unit":...,"baseline":...,"baseline_value":N,"ratio":N}
 *
 * 1. steps_per_s (SQLite). N plans of bench/workflow.ts (five trivial transform steps in a line)
 *    are created first (not timed), then a worker process started like the service (its settings
 *    come from loadConfig with nothing overridden: default WORKER_CONCURRENCY and LEASE_MS, the
 *    shipped SQLite pragmas, including synchronous=FULL) advances them; the clock runs from the
 *    moment the worker is told to start until the last plan's completion checkpoint (its finishedAt).
 *    Both processes are warmed up on a smaller batch first. Compared, in the same run and on the
 *    same disk, with
 *    - langgraph-sqlite: the same five-node linear graph in LangGraph JS with its SQLite
 *      checkpointer, under the same pragmas, with durability 'sync' (each step's checkpoint is
 *      written before the next step runs, the conductor's guarantee), the same number of runs and
 *      as many runs in flight as the worker's concurrency. Same durability, same plan shape, same
 *      concurrency, so the ratio is the cost of the conductor's extra guarantees (leases, fencing,
 *      audit and outbox rows written in the same transaction) against LangGraph's checkpoints.
 *    - raw-sqlite-tx: one single-row insert transaction at a time under the same pragmas, as many
 *      transactions as the conductor ran steps: the disk's ceiling for commits per second. A
 *      conductor that commits once per step cannot beat it; the ratio shows how close it gets.
 * 2. pg_steps_per_s_1_worker / pg_steps_per_s_4_workers (PostgreSQL, a database created for the
 *    run and dropped after it). The same measurement with one worker process, then with four
 *    worker processes (each its own WORKER_ID) sharing one batch. The 1-worker line is compared
 *    with langgraph-sqlite from this run (there is no PostgreSQL LangGraph baseline here, and the
 *    raw SQLite commit ceiling says nothing about a server database); the 4-worker line with the
 *    1-worker line, so its ratio is the scaling. Skipped, with a note, when the server
 *    (OP_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres) is unreachable.
 * 3. recovery_first_step_ms / recovery_leased_plans_moved_ms (SQLite). 10,000 plans are created, a
 *    worker process advances them until it has checkpointed some steps and holds leases, and is
 *    SIGKILLed. A new process with the same WORKER_ID is spawned, starting the way src/main.ts
 *    does (load config, migrate the embedded database, open the store, start the worker); the
 *    clock runs from the spawn until (a) its first checkpoint and (b) every plan that was leased at
 *    the kill has a checkpoint of its own. Times come from the rows the checkpoints write (each
 *    checkpoint of this workflow writes one outbox Notice stamped in its transaction), so the
 *    polling interval does not enter the result. Baseline process-start: the same process, spawned
 *    the same way on a fresh database holding one plan, until its first checkpoint (median of three
 *    starts); the ratio is what recovering 10,000 plans adds to a plain start.
 *
 * Settings (environment): OP_BENCH_PLANS (default 1000), OP_BENCH_PG_PLANS (default 1000),
 * OP_BENCH_RECOVERY_PLANS (default 10000), OP_BENCH_POSTGRES_URL, and OP_BENCH_ONLY=sqlite,postgres,
 * recovery to run a part (postgres runs sqlite too, for its baseline).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { ConfigSchema } from '../src/config/config.ts';
import { WorkflowRegistry } from '../src/conductor/registry.ts';
import { createOperator, type Operator } from '../src/operator.ts';
import { createLogger } from '../src/ops/logger.ts';
import { migrateDatabase } from '../src/store/migrate.ts';
import { sql, type SqlStatement } from '../src/store/sql.ts';
import { langgraphStepsPerSecond } from './baselines/langgraph-sqlite.ts';
import { rawSqliteTransactionsPerSecond } from './baselines/raw-sqlite-tx.ts';
import type { ChildMessage, ParentMessage, ServiceTimings } from './worker-process.ts';
import { BENCH_STEP_KEYS, BENCH_WORKFLOW, benchWorkflow } from './workflow.ts';

const STEPS_PER_PLAN = BENCH_STEP_KEYS.length;
const WARM_UP_PLANS_PER_WORKER = 40;
const RECOVERY_STEPS_BEFORE_KILL = 500;
const PLAIN_STARTS = 3;
const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

const intSetting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const note = (text: string) => process.stderr.write(`[bench conductor] ${text}\n`);

function emit(metric: string, value: number, unit: string, baseline: string, baselineValue: number): void {
  const round = (n: number) => (unit === 'ms' || n >= 100 ? Math.round(n) : Number(n.toFixed(1)));
  const line = {
    bench: 'conductor',
    metric,
    value: round(value),
    unit,
    baseline,
    baseline_value: round(baselineValue),
    ratio: Number((value / baselineValue).toFixed(2)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Worker processes

/** Every child still alive, killed if the bench fails or exits early. */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

class WorkerChild {
  readonly process: ChildProcess;
  readonly spawnedAt: number;
  readonly exited: Promise<string>;
  readonly #inbox: ChildMessage[] = [];
  readonly #waiting: { type: ChildMessage['type']; resolve: (message: ChildMessage) => void }[] = [];
  #exitReason: string | null = null;

  /** Settings come from the environment as in production; Operator settings of ours are not passed on. */
  constructor(settings: Record<string, string>) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(ConfigSchema.shape)) delete env[key];
    this.spawnedAt = Date.now();
    // stdout and stderr of the worker go to our stderr: stdout is for result lines only.
    this.process = fork(WORKER_SCRIPT, [], { env: { ...env, LOG_LEVEL: 'warn', ...settings }, stdio: ['ignore', 2, 2, 'ipc'] });
    liveChildren.add(this.process);
    this.process.on('message', (message: ChildMessage) => {
      const index = this.#waiting.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.#waiting.splice(index, 1)[0]!.resolve(message);
      else this.#inbox.push(message);
    });
    this.exited = new Promise((resolve) =>
      this.process.once('exit', (code, signal) => {
        liveChildren.delete(this.process);
        this.#exitReason = signal ?? `exit code ${code}`;
        resolve(this.#exitReason);
      }),
    );
  }

  send(message: ParentMessage): void {
    this.process.send(message);
  }

  async next<T extends ChildMessage['type']>(type: T, timeoutMs = 60_000): Promise<Extract<ChildMessage, { type: T }>> {
    const index = this.#inbox.findIndex((message) => message.type === type);
    if (index >= 0) return this.#inbox.splice(index, 1)[0] as Extract<ChildMessage, { type: T }>;
    if (this.#exitReason) throw new Error(`the worker process exited (${this.#exitReason}) before sending ${type}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<ChildMessage>((resolve) => this.#waiting.push({ type, resolve })),
        this.exited.then((reason) => Promise.reject(new Error(`the worker process exited (${reason}) before sending ${type}`))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no ${type} from the worker process within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]) as Extract<ChildMessage, { type: T }>;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<string> {
    this.process.kill('SIGKILL');
    return this.exited;
  }

  /** Asks the process to finish its steps and exit; kills it if it does not within timeoutMs. */
  async stop(mode: 'controlled' | 'service', timeoutMs = 15_000): Promise<void> {
    if (this.#exitReason) return;
    if (mode === 'controlled') this.send({ type: 'exit' });
    else this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const reason = await this.exited;
    clearTimeout(timer);
    if (reason !== 'exit code 0') note(`a worker process did not stop cleanly (${reason})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Databases and plans

class BenchDatabase {
  readonly url: string;
  readonly dir: string;
  readonly #drop: () => Promise<void>;
  #operator: Operator | null = null;

  constructor(url: string, dir: string, drop: () => Promise<void>) {
    this.url = url;
    this.dir = dir;
    this.#drop = drop;
  }

  /** Used to create plans and read them; its in-process worker is never started. */
  get operator(): Operator {
    if (!this.#operator) throw new Error('the bench database is detached');
    return this.#operator;
  }

  async attach(): Promise<void> {
    const config = ConfigSchema.parse({ DATABASE_URL: this.url, DATA_DIR: path.join(this.dir, 'data'), WORKER_ID: 'bench-parent' });
    const logger = createLogger('warn', pino.destination({ dest: 2, sync: true }));
    this.#operator = await createOperator(config, logger, new WorkflowRegistry([benchWorkflow]));
  }

  /**
   * Closes our connection. A service-mode worker migrates on start (as src/main.ts does), and
   * `prisma migrate deploy` takes SQLite's EXCLUSIVE locking mode: it fails with SQLITE_BUSY after
   * the busy timeout while any other process has used the database file (see the bench report).
   */
  async detach(): Promise<void> {
    await this.#operator?.close();
    this.#operator = null;
  }

  async close(): Promise<void> {
    await this.detach();
    await this.#drop();
  }
}

async function openBenchDatabase(url: string, dir: string, drop: () => Promise<void>): Promise<BenchDatabase> {
  await migrateDatabase(url);
  const database = new BenchDatabase(url, dir, drop);
  await database.attach();
  return database;
}

/** Spawns a service-mode worker with our connection closed while it migrates; returns once it runs. */
async function startServiceWorker(database: BenchDatabase, workerId: string) {
  await database.detach();
  const worker = new WorkerChild({ DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data'), WORKER_ID: workerId, OP_BENCH_MODE: 'service' });
  try {
    const { timings } = await worker.next('service-started');
    return { worker, timings };
  } finally {
    await database.attach();
  }
}

function scratchDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `operator-bench-${label}-`));
}

async function sqliteDatabase(label: string): Promise<BenchDatabase> {
  const dir = scratchDir(label);
  return openBenchDatabase(`file:${path.join(dir, 'operator.db')}`, dir, async () => fs.rmSync(dir, { recursive: true, force: true }));
}

/** Starts count plans through the conductor, as operators would, tagged with requestedBy = tag. */
async function createPlans(database: BenchDatabase, tag: string, count: number): Promise<void> {
  let next = 0;
  const starter = async () => {
    while (next < count) {
      const n = next++;
      await database.operator.conductor.start(BENCH_WORKFLOW, { n }, { requestedBy: tag });
    }
  };
  await Promise.all(Array.from({ length: 8 }, starter));
}

const query = (database: BenchDatabase, statement: SqlStatement) => database.operator.store.transaction((runner) => runner.query(statement));
/** Aggregates come back as the driver has them: a count as a number or a string, a time as text or a Date. */
const asNumber = (value: unknown) => Number(value);
const asDate = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));

/** Waits until every plan of the batch completed; returns when the last one did (its finishedAt, ms). */
async function waitForBatch(database: BenchDatabase, tag: string, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query(
      database,
      sql`SELECT "status", COUNT(*) AS "plans", MAX("finishedAt") AS "last" FROM "Plan" WHERE "requestedBy" = ${tag} GROUP BY "status"`,
    );
    const byStatus = Object.fromEntries(rows.map((row) => [row.status as string, { plans: asNumber(row.plans), last: asDate(row.last) }]));
    if (byStatus.completed?.plans === count) return byStatus.completed.last!.getTime();
    const stuck = Object.keys(byStatus).filter((status) => status !== 'running' && status !== 'completed');
    if (stuck.length > 0 || Date.now() > deadline) {
      const counts = Object.entries(byStatus).map(([status, { plans }]) => `${status}=${plans}`).join(' ');
      throw new Error(`batch ${tag} did not complete (${counts})`);
    }
    await sleep(50);
  }
}

/** Guards against measuring a worker that skipped steps or checkpoints. */
async function verifyBatch(database: BenchDatabase, tag: string, count: number): Promise<void> {
  const [row] = await query(
    database,
    sql`SELECT COUNT(*) AS "steps" FROM "Step" WHERE "status" = 'completed'
        AND "planId" IN (SELECT "id" FROM "Plan" WHERE "requestedBy" = ${tag})`,
  );
  const steps = asNumber(row?.steps);
  if (steps !== count * STEPS_PER_PLAN) throw new Error(`batch ${tag}: ${steps} completed steps, expected ${count * STEPS_PER_PLAN}`);
  const [sample] = await query(database, sql`SELECT "id" FROM "Plan" WHERE "requestedBy" = ${tag} LIMIT 1`);
  const { steps: sampleSteps } = await database.operator.conductor.show(sample!.id as string);
  const visited = sampleSteps.at(-1)?.output;
  if (JSON.stringify(visited) !== JSON.stringify(BENCH_STEP_KEYS)) {
    throw new Error(`batch ${tag}: the sample plan's last output is ${JSON.stringify(visited)}`);
  }
}

/**
 * One measured batch: plans are created while the workers are paused, then all workers are told
 * to start; steps/s from that moment to the last completion checkpoint.
 */
async function runBatch(database: BenchDatabase, workers: WorkerChild[], tag: string, plans: number) {
  await createPlans(database, tag, plans);
  const cpu = cpuBusy();
  const startedAt = Date.now();
  for (const worker of workers) worker.send({ type: 'go' });
  await Promise.all(workers.map((worker) => worker.next('started')));
  const finishedAt = await waitForBatch(database, tag, plans, 120_000);
  const cpuBusyShare = cpu();
  for (const worker of workers) worker.send({ type: 'pause' });
  await Promise.all(workers.map((worker) => worker.next('paused')));
  await verifyBatch(database, tag, plans);
  const seconds = (finishedAt - startedAt) / 1000;
  const steps = plans * STEPS_PER_PLAN;
  return { steps, seconds, stepsPerSecond: steps / seconds, cpuBusyShare };
}

/** The share of the machine's CPU time (all cores, all processes) spent busy since the call. */
function cpuBusy(): () => number {
  const total = (cpus: os.CpuInfo[]) =>
    cpus.reduce(
      (sum, { times }) => ({ busy: sum.busy + times.user + times.nice + times.sys + times.irq, all: sum.all + times.user + times.nice + times.sys + times.irq + times.idle }),
      { busy: 0, all: 0 },
    );
  const before = total(os.cpus());
  return () => {
    const after = total(os.cpus());
    return (after.busy - before.busy) / (after.all - before.all);
  };
}

/** Spawns controlled workers, warms them up on a small batch, then measures one batch. */
async function measureWorkers(database: BenchDatabase, workerIds: string[], plans: number, label: string) {
  const workers = workerIds.map(
    (id) => new WorkerChild({ DATABASE_URL: database.url, DATA_DIR: path.join(database.dir, 'data'), WORKER_ID: id, OP_BENCH_MODE: 'controlled' }),
  );
  try {
    const ready = await Promise.all(workers.map((worker) => worker.next('ready')));
    await runBatch(database, workers, `${label}-warm-up`, WARM_UP_PLANS_PER_WORKER * workers.length);
    const result = await runBatch(database, workers, `${label}-measured`, plans);
    note(
      `${label}: ${result.steps} steps in ${result.seconds.toFixed(2)} s with ${workers.length} worker process(es) at concurrency ` +
        `${ready[0]!.concurrency}; machine CPU ${(result.cpuBusyShare * 100).toFixed(0)}% busy meanwhile (${os.cpus().length} cores)`,
    );
    return { ...result, concurrency: ready[0]!.concurrency };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop('controlled')));
  }
}

// ---------------------------------------------------------------------------------------------
// 1. SQLite throughput against LangGraph and raw commits

async function sqliteThroughput(): Promise<{ langgraph: number }> {
  const plans = intSetting('OP_BENCH_PLANS', 1000);
  const database = await sqliteDatabase('sqlite');
  try {
    const conductor = await measureWorkers(database, ['bench-sqlite'], plans, 'sqlite');
    const defaults = ConfigSchema.parse({});
    if (conductor.concurrency !== defaults.WORKER_CONCURRENCY) throw new Error('the worker did not run at the default concurrency');

    const langgraph = await langgraphStepsPerSecond({ dir: database.dir, plans, concurrency: conductor.concurrency });
    note(`langgraph-sqlite: ${langgraph.steps} steps in ${langgraph.seconds.toFixed(2)} s at concurrency ${conductor.concurrency}`);
    const raw = rawSqliteTransactionsPerSecond({ dir: database.dir, transactions: conductor.steps });
    note(`raw-sqlite-tx: ${raw.transactions} commits in ${raw.seconds.toFixed(2)} s`);

    emit('steps_per_s', conductor.stepsPerSecond, 'steps/s', 'langgraph-sqlite', langgraph.stepsPerSecond);
    emit('steps_per_s', conductor.stepsPerSecond, 'steps/s', 'raw-sqlite-tx', raw.perSecond);
    return { langgraph: langgraph.stepsPerSecond };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. PostgreSQL, one worker process and four

async function adminQuery(server: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function postgresThroughput(langgraph: number): Promise<void> {
  const server = process.env.OP_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
  const shown = server.replace(/\/\/[^@/]*@/, '//');
  try {
    await adminQuery(server, 'SELECT 1');
  } catch (error) {
    note(`PostgreSQL at ${shown} is unreachable (${(error as Error).message}); skipping the pg_steps_per_s lines`);
    return;
  }
  const plans = intSetting('OP_BENCH_PG_PLANS', 1000);
  const name = `operator_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const dir = scratchDir('postgres');
  let database: BenchDatabase | undefined;
  try {
    database = await openBenchDatabase(url.toString(), dir, async () => undefined);
    const one = await measureWorkers(database, ['bench-pg-1'], plans, 'pg-1-worker');
    const four = await measureWorkers(database, ['bench-pg-4a', 'bench-pg-4b', 'bench-pg-4c', 'bench-pg-4d'], plans, 'pg-4-workers');
    // No LangGraph-on-PostgreSQL baseline exists here and raw-sqlite-tx is a SQLite disk ceiling, so
    // the 1-worker line is set against langgraph-sqlite from this run: "the server deployment with
    // one worker versus LangGraph embedded". The 4-worker line's ratio is the scaling over one worker.
    emit('pg_steps_per_s_1_worker', one.stepsPerSecond, 'steps/s', 'langgraph-sqlite', langgraph);
    emit('pg_steps_per_s_4_workers', four.stepsPerSecond, 'steps/s', 'pg-1-worker', one.stepsPerSecond);
  } finally {
    await database?.close();
    await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Recovery after SIGKILL (SQLite)

/** The first checkpoint of each plan at or after since, from the outbox rows the checkpoints wrote. */
async function firstCheckpointsSince(database: BenchDatabase, since: number): Promise<Map<string, number>> {
  const rows = await query(
    database,
    sql`SELECT "planId", MIN("deliverAfter") AS "at" FROM "Notice"
        WHERE "deliveredAt" IS NULL AND "deliverAfter" >= ${new Date(since)} GROUP BY "planId"`,
  );
  return new Map(rows.map((row) => [row.planId as string, asDate(row.at)!.getTime()]));
}

function describeStart(timings: ServiceTimings, spawnedAt: number): string {
  const rel = (at: number) => `${Math.round(at - spawnedAt)} ms`;
  return (
    `node up ${rel(timings.processStartedAt)}, code loaded ${rel(timings.importsDoneAt)}, ` +
    `migrated ${rel(timings.migratedAt)} (migrate ${timings.migratedAt - timings.importsDoneAt} ms), ` +
    `store open ${rel(timings.operatorCreatedAt)}, worker started ${rel(timings.workerStartedAt)}`
  );
}

/** Spawn to first checkpoint of a worker process on a fresh database holding one plan. */
async function plainStart(workerId: string): Promise<number> {
  const database = await sqliteDatabase('start');
  try {
    await createPlans(database, 'bench-plain-start', 1);
    const { worker, timings } = await startServiceWorker(database, workerId);
    try {
      for (const deadline = Date.now() + 30_000; ; await sleep(10)) {
        const first = [...(await firstCheckpointsSince(database, worker.spawnedAt)).values()];
        if (first.length > 0) {
          const ms = Math.min(...first) - worker.spawnedAt;
          note(`process-start: first checkpoint ${ms} ms after spawn; ${describeStart(timings, worker.spawnedAt)}`);
          return ms;
        }
        if (Date.now() > deadline) throw new Error('process-start: no checkpoint within 30 s');
      }
    } finally {
      await worker.stop('service');
    }
  } finally {
    await database.close();
  }
}

async function recovery(): Promise<void> {
  const plans = intSetting('OP_BENCH_RECOVERY_PLANS', 10_000);
  const workerId = 'bench-recovery';
  // A start is dominated by loading code and migrating, which vary from run to run: the median of three.
  const starts: number[] = [];
  for (let i = 0; i < PLAIN_STARTS; i++) starts.push(await plainStart(workerId));
  const baseline = starts.sort((a, b) => a - b)[Math.floor(PLAIN_STARTS / 2)]!;

  const database = await sqliteDatabase('recovery');
  try {
    const creating = Date.now();
    await createPlans(database, 'bench-recovery', plans);
    note(`recovery: created ${plans} plans in ${((Date.now() - creating) / 1000).toFixed(1)} s (not timed)`);

    // The first incarnation: runs until it has checkpointed some steps and holds leases, then dies.
    // Its plans move in lockstep (one group commit carries all their checkpoints), so a kill can
    // land just after they all finished and before the next claim: then it lives and dies again.
    let leasedAtKill: string[] = [];
    for (let attempt = 1; leasedAtKill.length === 0; attempt++) {
      if (attempt > 5) throw new Error('recovery: no plan was leased at any of 5 kills');
      const { worker: doomed } = await startServiceWorker(database, workerId);
      let checkpoints = 0;
      let leased = 0;
      for (const deadline = Date.now() + 60_000; checkpoints < RECOVERY_STEPS_BEFORE_KILL || leased === 0; await sleep(20)) {
        const [row] = await query(
          database,
          sql`SELECT (SELECT COUNT(*) FROM "Notice" WHERE "deliveredAt" IS NULL AND "deliverAfter" >= ${new Date(doomed.spawnedAt)}) AS "checkpoints",
                     (SELECT COUNT(*) FROM "Plan" WHERE "leaseOwner" = ${workerId}) AS "leased"`,
        );
        checkpoints = asNumber(row?.checkpoints);
        leased = asNumber(row?.leased);
        if (Date.now() > deadline) throw new Error(`recovery: the first worker made ${checkpoints} checkpoints and holds ${leased} leases after 60 s`);
      }
      await doomed.kill();
      leasedAtKill = (await query(database, sql`SELECT "id" FROM "Plan" WHERE "leaseOwner" = ${workerId} AND "status" = 'running'`)).map(
        (row) => row.id as string,
      );
      const [done] = await query(database, sql`SELECT COUNT(*) AS "steps" FROM "Step" WHERE "status" = 'completed'`);
      note(`recovery: SIGKILL after ${asNumber(done?.steps)} completed steps; ${leasedAtKill.length} plans leased to ${workerId} at the kill`);
    }

    // The restart: same WORKER_ID, new process. Our connection is closed until it has started (it
    // migrates first); the times are read from the rows its checkpoints wrote, so that costs nothing.
    const { worker: restarted, timings } = await startServiceWorker(database, workerId);
    try {
      let firstMs: number | null = null;
      let movedMs: number | null = null;
      for (const deadline = Date.now() + 60_000; movedMs === null; await sleep(10)) {
        const first = await firstCheckpointsSince(database, restarted.spawnedAt);
        if (first.size > 0 && firstMs === null) firstMs = Math.min(...first.values()) - restarted.spawnedAt;
        if (leasedAtKill.every((id) => first.has(id))) movedMs = Math.max(...leasedAtKill.map((id) => first.get(id)!)) - restarted.spawnedAt;
        if (Date.now() > deadline) {
          const moved = leasedAtKill.filter((id) => first.has(id)).length;
          throw new Error(`recovery: after 60 s ${moved} of ${leasedAtKill.length} leased plans moved (first checkpoint: ${firstMs ?? 'none'})`);
        }
      }
      note(
        `recovery: first checkpoint ${firstMs} ms, all ${leasedAtKill.length} leased plans moved ${movedMs} ms after spawn; ` +
          describeStart(timings, restarted.spawnedAt),
      );
      emit('recovery_first_step_ms', firstMs!, 'ms', 'process-start', baseline);
      emit('recovery_leased_plans_moved_ms', movedMs, 'ms', 'process-start', baseline);
    } finally {
      // Not SIGTERM: on SQLite a worker with runnable plans does not turn the event loop (every
      // statement completes synchronously, so its promise chain never yields) and would handle the
      // signal only once all 10,000 plans are done. See the bench report.
      await restarted.kill();
    }
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const started = Date.now();
  note(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}, scratch in ${os.tmpdir()}`);
  const only = process.env.OP_BENCH_ONLY?.split(',');
  const runs = (part: string) => !only || only.includes(part);
  // The PostgreSQL 1-worker line needs this run's LangGraph number.
  const langgraph = runs('sqlite') || runs('postgres') ? (await sqliteThroughput()).langgraph : 0;
  if (runs('postgres')) await postgresThroughput(langgraph);
  if (runs('recovery')) await recovery();
  note(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}
