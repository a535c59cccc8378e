// Budget caps end to end through Slack, with the lead-qualification workflow against the local
// OpenAI-compatible server: a model call that would go over a cap is not made, the plan is handed
// back with the figures, Continue lets it spend more and it completes, Abort ends it, and the
// spend against each cap shows in the digest and /metrics. Then, with small workflows of their
// own (test/fixtures/model-call-workflows.ts): calls started at the same moment (plans, and two
// replicas) stay within the monthly cap, a step re-run after Continue or a retry is not charged
// again for answers it has, recall's answer stops at the monthly cap, and caps change while
// running with /op budget set and op budget set. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { budgetCaps, ConfigSchema } from '../src/config/config.ts';
import { noBudgetCaps, usd } from '../src/core/budgets.ts';
import { buildDigest } from '../src/digest/digest.ts';
import { digestMessage } from '../src/digest/message.ts';
import type { WorkflowDefinition } from '../src/conductor/workflow.ts';
import { budgetVerdict, DEFAULT_MAX_ANSWER_TOKENS, expectedUsage, monthVerdict } from '../src/llm/budgets.ts';
import { costUsd } from '../src/llm/prices.ts';
import { spendOverview, type PlanSpend } from '../src/store/budgets.ts';
import { reserveModelCall } from '../src/store/model-calls.ts';
import { sql } from '../src/store/sql.ts';
import { openStore, type Store } from '../src/store/store.ts';
import leadQualification from '../workflows/lead-qualification.ts';
import { Note, ONE_CALL_SYSTEM, oneCallWorkflow, twoCallWorkflow } from './fixtures/model-call-workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { testConfig, waitForOutboxDrained, waitForStatus } from './support/operator.ts';
import { pollUntil, within } from './support/poll.ts';
import { opBinary, runNode } from './support/processes.ts';
import { startWorkflowHarness, type WorkflowHarness } from './support/workflow-harness.ts';

const HOT_LEAD = "Hi, I'm Jane Doe from Globex (jane@globex.example). We need a new booking website, budget around 15k EUR, ideally live by March.";
const EXTRACTED = { company: 'Globex', contactName: 'Jane Doe', email: 'jane@globex.example', need: 'a new booking website', budget: 15_000, currency: 'EUR', timeline: 'by March' };

/** gpt-4o-mini at $0.15 / $0.60 per million tokens: $0.21 a call, its answer within the 500 tokens a call may give. */
const USAGE = { prompt_tokens: 1_398_000, completion_tokens: 500 };
const testConfigFor = (settings: Record<string, string>) => ConfigSchema.parse(settings);
const SETTINGS = { BUDGET_PLAN_USD: '0.20', BUDGET_WORKFLOW_MONTH_USD: 'lead-qualification=50', BUDGET_MONTH_USD: '100', BUDGET_CONTINUE_USD: '0.50' };

describe('which cap a model call would pass', () => {
  const caps = budgetCaps(testConfigFor({ BUDGET_PLAN_USD: '1', BUDGET_WORKFLOW_MONTH_USD: '3,invoicing=5', BUDGET_MONTH_USD: '10', BUDGET_CONTINUE_USD: '2' }));
  const spend = (planUsd: number, workflowMonthUsd: number, monthUsd: number, allowanceUsd = 0) => ({ planUsd, workflowMonthUsd, monthUsd, allowanceUsd });
  const cases: [string, ReturnType<typeof spend>, string, number, string | null][] = [
    ['under every cap', spend(0.5, 2, 9), 'lead-qualification', 0.4, null],
    ['exactly at the plan cap goes ahead', spend(0.6, 2, 9), 'lead-qualification', 0.4, null],
    ['over the plan cap', spend(0.7, 2, 9), 'lead-qualification', 0.4, 'plan'],
    ['over the cap of every workflow', spend(0.1, 2.9, 9), 'lead-qualification', 0.2, 'workflow_month'],
    ['a named workflow has its own cap', spend(0.1, 4.7, 9), 'invoicing', 0.2, null],
    ['over the monthly cap', spend(0.1, 1, 9.9), 'invoicing', 0.2, 'month'],
    ['an allowance lifts every cap for the plan', spend(1.5, 3.2, 10.2, 1), 'lead-qualification', 0.4, null],
  ];
  for (const [name, figures, workflow, expectedUsd, cap] of cases) {
    test(name, () => assert.equal(budgetVerdict(figures, caps, workflow, expectedUsd)?.cap ?? null, cap));
  }

  test('Continue asks for BUDGET_CONTINUE_USD, or what the call needs when that is more', () => {
    assert.equal(budgetVerdict(spend(0.9, 0, 0), caps, 'x', 0.2)!.moreUsd, 2);
    assert.equal(budgetVerdict(spend(0.9, 0, 0), caps, 'x', 3.001)!.moreUsd, 2.91);
  });
});

for (const provider of providers()) {
  describe(`budget caps through Slack on ${provider}`, () => {
    let database: TestDatabase;
    let harness: WorkflowHarness;
    const draftRequests = () => harness.openai!.requestsTo('/v1/chat/completions').filter((request) => JSON.stringify(request.body).includes('draft-lead-reply')).length;

    /** Starts a hot lead and waits for its hand-back at the per-plan cap: the lead was read ($0.21), the reply not drafted. */
    async function pausedLead() {
      const draftsBefore = draftRequests();
      const { planId, thread } = await harness.start('lead-qualification', HOT_LEAD);
      await harness.chat.waitForThreadMessage(thread, /Draft a reply: spent \$0\.21 of \$0\.20 \(per-plan cap\): continue with \$0\.50 more, or abort/);
      const { plan, steps } = await waitForStatus(harness.chat.service.operator, planId, ['needs_operator']);
      await waitForOutboxDrained(harness.chat.service.operator, planId);
      assert.equal(draftRequests(), draftsBefore, 'the call that would go over the cap is not made');
      assert.deepEqual((await harness.modelCalls(planId)).map((call) => call.task), ['extract-lead']);
      assert.equal(plan.budgetAskUsd, 0.5);
      assert.equal(steps.find((step) => step.key === 'draft-reply')!.status, 'failed');
      return { planId, thread, draftsBefore };
    }

    before(async () => {
      database = await createTestDatabase(provider);
      harness = await startWorkflowHarness(database, [leadQualification], 'model', SETTINGS);
      harness.openai!.usage = USAGE;
      harness.openai!.respond('extract-lead', EXTRACTED);
      harness.openai!.respond('draft-lead-reply', { subject: 'Re: your booking website', body: 'Hi Jane,\n\nthanks for reaching out. Could we talk this week?\n\nBest regards' });
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });

    test('a plan whose next model call would pass its cap waits for the operator, and Continue lets it spend $0.50 more and complete', async () => {
      const { chat } = harness;
      const { planId, thread, draftsBefore } = await pausedLead();
      assert.ok(await chat.buttonValue(thread, 'abort'), 'the hand-back offers Abort');

      const continueButton = await chat.buttonValue(thread, 'continue');
      await chat.click(thread, 'continue', continueButton);
      await chat.waitForThreadMessage(thread, /Send this reply to Globex/);
      assert.equal(draftRequests(), draftsBefore + 1, 'after Continue the call is made, once');
      await chat.click(thread, 'approve', await chat.buttonValue(thread, 'approve'));
      const { plan } = await waitForStatus(chat.service.operator, planId, ['completed'], 20_000);
      assert.equal(plan.budgetAllowanceUsd, 0.5);
      assert.equal(plan.budgetAskUsd, null);
      await chat.waitForOutcome(thread, /Continued with \$0\.50 more by/);
      assert.match((await chat.click(thread, 'continue', continueButton)) ?? '', /is completed, not needs operator; nothing was done/, 'a second click changes nothing');

      const audit = await chat.service.operator.conductor.audit(planId);
      const reached = audit.find((entry) => entry.action === 'budget.reached')!;
      assert.deepEqual({ ...(reached.detail as object), expectedUsd: undefined }, { cap: 'plan', spentUsd: 0.21, capUsd: 0.2, moreUsd: 0.5, expectedUsd: undefined });
      const continued = audit.find((entry) => entry.action === 'budget.continued')!;
      assert.match(continued.actor, /UOPS/);
      assert.deepEqual([(continued.detail as { moreUsd: number }).moreUsd, (continued.detail as { allowanceUsd: number }).allowanceUsd], [0.5, 0.5]);
      assert.deepEqual((await harness.modelCalls(planId)).map((call) => call.task), ['extract-lead', 'draft-lead-reply']);
    });

    test('Abort at a budget hand-back ends the plan without the call', async () => {
      const { chat } = harness;
      const { planId, thread, draftsBefore } = await pausedLead();
      assert.match(await chat.command('inbox'), new RegExp(`${planId} lead-qualification: budget "Draft a reply"`), '/op inbox shows the wait as a budget one');
      await chat.click(thread, 'abort', await chat.buttonValue(thread, 'abort'));
      await waitForStatus(chat.service.operator, planId, ['failed']);
      await waitForOutboxDrained(chat.service.operator, planId);
      assert.equal(draftRequests(), draftsBefore);
      assert.ok((await chat.service.operator.conductor.audit(planId)).some((entry) => entry.action === 'plan.aborted'));
    });

    test('a plan paused at a cap stays paused across a restart, makes no call, and continues after /op continue', async () => {
      const { planId } = await pausedLead();
      await harness.close();
      harness = await startWorkflowHarness(database, [leadQualification], 'model', SETTINGS);
      harness.openai!.usage = USAGE;
      harness.openai!.respond('draft-lead-reply', { subject: 'Re: your booking website', body: 'Hi Jane,\n\nCould we talk this week?' });
      const { operator } = harness.chat.service;
      await within(operator.worker.claimRounds.finishedSince(), 5000, () => 'the restarted worker never looked for runnable plans');
      assert.equal((await operator.conductor.show(planId)).plan.status, 'needs_operator');
      assert.equal(draftRequests(), 0, 'the restarted service makes no call for the paused plan');

      assert.match(await harness.chat.command(`continue ${planId}`), new RegExp(`Continue: ${planId}`));
      await waitForStatus(operator, planId, ['waiting_approval']);
      assert.equal(draftRequests(), 1);
      await harness.chat.command(`approve ${planId}`);
      await waitForStatus(operator, planId, ['completed'], 20_000);
    });

    test('the digest and /metrics show the spend against each cap', async () => {
      const store = harness.chat.service.operator.store;
      const caps = budgetCaps(testConfig(database, SETTINGS));
      const digest = await buildDigest(store, { timeZone: 'UTC', budgets: caps });
      const month = digest.budgets.find((line) => line.cap === 'month')!;
      assert.ok(Math.abs(month.spentUsd - 0.21 * 5) < 1e-9, `this month's spend is the five calls made: ${month.spentUsd}`);
      assert.deepEqual(
        digest.budgets.map((line) => [line.cap, line.subject, line.capUsd]),
        [['month', null, 100], ['workflow_month', 'lead-qualification', 50], ['plan', null, 0.2]],
      );
      const field = digestMessage(digest).fields!.find((f) => f.label === 'Budgets')!;
      assert.match(field.value, /this month \$1\.05 of \$100\.00; lead-qualification this month \$1\.05 of \$50\.00; per plan \$0\.00 of \$0\.20/);

      const metrics = await (await fetch(`http://127.0.0.1:${harness.chat.service.port}/metrics`)).text();
      assert.match(metrics, /^operator_budget_spent_usd\{cap="month",workflow=""\} 1\.05/m);
      assert.match(metrics, /^operator_budget_cap_usd\{cap="workflow_month",workflow="lead-qualification"\} 50$/m);
      assert.match(metrics, /^operator_budget_cap_usd\{cap="plan",workflow=""\} 0\.2$/m);
    });
  });
}

for (const provider of providers()) {
  describe(`model calls against the caps on ${provider}`, () => {
    // One database for the describe (making one takes seconds); each test starts the service with the caps it needs.
    let database: TestDatabase;
    let harness: WorkflowHarness | null = null;
    before(async () => {
      database = await createTestDatabase(provider);
    });
    after(async () => {
      await harness?.close();
      await database?.drop();
    });
    /** A store on the test's database, as another replica would open it. */
    async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
      const store = await openStore(database.url, { walCheckpointThread: false });
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    }
    /** The month's spend so far: the monthly caps count every call in the database. */
    const monthSpent = () => withStore(async (store) => (await spendOverview(store)).monthUsd);
    async function harnessWith(workflows: WorkflowDefinition[], settings: Record<string, string>): Promise<WorkflowHarness> {
      await harness?.close();
      harness = await startWorkflowHarness(database, workflows, 'model', settings);
      return harness;
    }
    /** The plan's id only: its card's thread, which harness.start waits for, is not what these tests are about. */
    const startPlan = async (workflow: string, text: string) => /plan (p[a-z0-9]+)/.exec(await harness!.chat.command(`start ${workflow} ${text}`))![1]!;
    const requestsNamed = (harness: WorkflowHarness, task: string) =>
      harness.openai!.requestsTo('/v1/chat/completions').filter((request) => (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === task).length;
    /** What the model port reserves for a call of these fixtures (gpt-4o-mini, a Note answer). */
    const reservedUsd = async (request: { system: string; prompt: string; schema: typeof Note }) => costUsd('gpt-4o-mini', await expectedUsage('gpt-4o-mini', request));
    /** The model server reports what the port expects a call to use, so each call costs exactly its reservation. */
    const usageAsExpected = async (request: { system: string; prompt: string }) => {
      const { promptTokens, completionTokens } = await expectedUsage('gpt-4o-mini', { ...request, schema: Note });
      return { prompt_tokens: promptTokens, completion_tokens: completionTokens };
    };

    test('two replicas reserving calls at the same moment admit only what the monthly cap allows', async () => {
      // Eighths of a dollar add up exactly in floating point.
      const capUsd = (await monthSpent()) + 6 * 0.125;
      const check = (spend: PlanSpend) => monthVerdict(spend, { ...noBudgetCaps, monthUsd: capUsd }, 0.125);
      const opening = { planId: null, stepKey: null, workflow: null, task: 'race', model: 'gpt-4o-mini', input: {} };
      const admitted = await withStore((first) =>
        withStore(async (second) => {
          const outcomes = await Promise.all([first, second].flatMap((store) => Array.from({ length: 10 }, () => reserveModelCall(store, opening, 0.125, check))));
          return outcomes.filter((outcome) => 'id' in outcome).length;
        }),
      );
      assert.equal(admitted, 6);
      assert.ok((await monthSpent()) <= capUsd + 1e-12);
    });

    test('plans that call the model at the same moment cannot pass the monthly cap together: those it admits call, the others wait for the operator', async () => {
      const prompts = [1, 2, 3, 4, 5].map((n) => `Summarise request number ${n}`);
      const callUsd = await reservedUsd({ system: ONE_CALL_SYSTEM, prompt: prompts[0]!, schema: Note });
      const capUsd = (await monthSpent()) + callUsd * 2.5;
      const harness = await harnessWith([oneCallWorkflow], { BUDGET_MONTH_USD: String(capUsd) });
      harness.openai!.usage = await usageAsExpected({ system: ONE_CALL_SYSTEM, prompt: prompts[0]! });
      harness.openai!.respond('summarise', { note: 'summarised' });
      const { operator } = harness.chat.service;

      // Answers are held, so every plan's call is under way (or refused) before any has cost anything.
      const release = harness.openai!.holdAnswers();
      const planIds = await Promise.all(prompts.map((prompt) => startPlan('fixture-one-call', prompt)));
      const statuses = () => Promise.all(planIds.map(async (planId) => (await operator.conductor.show(planId)).plan.status));
      await pollUntil(
        async () => requestsNamed(harness, 'summarise') + (await statuses()).filter((status) => status === 'needs_operator').length === planIds.length,
        15_000,
        () => `${requestsNamed(harness, 'summarise')} calls made; plans ${planIds.join(', ')}`,
      );
      assert.equal(requestsNamed(harness, 'summarise'), 2, 'the cap admits two calls, so two are made');
      release();
      for (const planId of planIds) await waitForStatus(operator, planId, ['completed', 'needs_operator']);
      assert.deepEqual((await statuses()).sort(), ['completed', 'completed', 'needs_operator', 'needs_operator', 'needs_operator']);
      const monthUsd = await monthSpent();
      assert.ok(monthUsd <= capUsd + 1e-12, `this month's spend ${monthUsd} stays within the cap ${capUsd}`);
      assert.ok(Math.abs(capUsd - monthUsd - callUsd / 2) < 1e-12, 'the reservations were settled to what the two calls cost');
    });

    test('a model that would answer at length is stopped at the answer the reservation counted, so a cap the call fits under is never passed', async () => {
      const prompt = 'Summarise this long request';
      const callUsd = await reservedUsd({ system: ONE_CALL_SYSTEM, prompt, schema: Note });
      const capUsd = callUsd * 1.5;
      const harness = await harnessWith([oneCallWorkflow], { BUDGET_PLAN_USD: String(capUsd) });
      const { prompt_tokens } = await usageAsExpected({ system: ONE_CALL_SYSTEM, prompt });
      harness.openai!.usage = { prompt_tokens, completion_tokens: 20 * DEFAULT_MAX_ANSWER_TOKENS };
      harness.openai!.respond('summarise', { note: 'a very long summary' });
      const before = await monthSpent();

      const planId = await startPlan('fixture-one-call', prompt);
      const { steps } = await waitForStatus(harness.chat.service.operator, planId, ['completed']);
      const [request] = harness.openai!.requestsTo('/v1/chat/completions').filter((r) => JSON.stringify(r.body).includes(prompt));
      assert.equal(request?.body.max_tokens ?? request?.body.max_completion_tokens, DEFAULT_MAX_ANSWER_TOKENS, 'the request caps the answer');
      assert.deepEqual(steps[0]!.output, { note: 'no model' }, 'the cut-off answer does not fit, so the step took its fallback');
      const spent = (await monthSpent()) - before;
      assert.ok(Math.abs(spent - callUsd) < 1e-12, `the call cost what was reserved (${spent} of ${callUsd})`);
      assert.ok(spent <= capUsd, 'within the plan cap');
    });

    test('Continue re-runs a step that calls the model twice without asking or paying again for the answer it already has', async () => {
      const prompt = 'Two notes about the Globex lead';
      const callUsd = await reservedUsd({ system: 'Write the first note.', prompt, schema: Note });
      const harness = await harnessWith([twoCallWorkflow], { BUDGET_PLAN_USD: String(callUsd * 1.5), BUDGET_CONTINUE_USD: '1' });
      harness.openai!.usage = await usageAsExpected({ system: 'Write the first note.', prompt });
      harness.openai!.respond('first-note', { note: 'first' });
      harness.openai!.respond('second-note', { note: 'second' });
      const { operator } = harness.chat.service;

      const planId = await startPlan('fixture-two-calls', prompt);
      await waitForStatus(operator, planId, ['needs_operator']);
      assert.deepEqual([requestsNamed(harness, 'first-note'), requestsNamed(harness, 'second-note')], [1, 0], 'paused at the second call');

      assert.match(await harness.chat.command(`continue ${planId}`), new RegExp(`Continue: ${planId}`));
      const { steps } = await waitForStatus(operator, planId, ['completed']);
      assert.deepEqual(steps.find((step) => step.key === 'ask-twice')!.output, { first: 'first', second: 'second' });
      assert.deepEqual([requestsNamed(harness, 'first-note'), requestsNamed(harness, 'second-note')], [1, 1], 'after Continue the model server receives only the second call');
      const made = await harness.modelCalls(planId);
      assert.deepEqual(made.map((call) => [call.task, call.path]), [['first-note', 'model'], ['second-note', 'model']], 'one record, and one charge, per call');
    });

    test('a retried step gets the answers it already paid for, and asks only what it has not asked before', async () => {
      const harness = await harnessWith([twoCallWorkflow], {});
      harness.openai!.respond('first-note', { note: 'first' });
      harness.openai!.respond('second-note', { note: 'second' });
      const { operator } = harness.chat.service;

      const planId = await startPlan('fixture-two-calls', 'Two notes, fail once');
      const { steps } = await waitForStatus(operator, planId, ['completed']);
      const step = steps.find((s) => s.key === 'ask-twice')!;
      assert.equal(step.attempts, 2, 'the step failed once after both calls and was retried');
      assert.deepEqual([requestsNamed(harness, 'first-note'), requestsNamed(harness, 'second-note')], [1, 1], 'the retry replayed both answers');
      assert.equal((await harness.modelCalls(planId)).length, 2);
    });

    test('an operator changes a cap with /op budget set while the service runs: the next model call answers to it, and each change is audited', async () => {
      const harness = await harnessWith([oneCallWorkflow], { BUDGET_MONTH_USD: '100' });
      harness.openai!.respond('summarise', { note: 'summarised' });
      const { chat } = harness;
      const { operator } = chat.service;
      assert.match(await chat.command('budget'), /monthly cap: \$100\.00; this month \$[\d.]+ \(BUDGET_MONTH_USD\)/);

      assert.match(await chat.command('budget set month 0'), /Set: the monthly cap is \$0\.00, was \$100\.00; it holds from the next model call/);
      const paused = await startPlan('fixture-one-call', 'Summarise this');
      const { plan } = await waitForStatus(operator, paused, ['needs_operator']);
      assert.equal(requestsNamed(harness, 'summarise'), 0, 'no call is made over the cap set a moment ago');
      assert.ok(plan.budgetAskUsd !== null);

      assert.match(await chat.command('budget set month off'), /Set: the monthly cap is none, was \$0\.00/);
      await waitForStatus(operator, await startPlan('fixture-one-call', 'Summarise that'), ['completed']);
      assert.equal(requestsNamed(harness, 'summarise'), 1, 'with the cap removed the call is made');
      assert.match(await chat.command('budget'), /monthly cap: none; this month \$[\d.]+ \(set by slack:UOPS \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);

      assert.match(await chat.command('budget set month default'), /Set: the monthly cap is \$100\.00 \(its BUDGET_\* setting\), was none/);
      assert.match(await chat.command('budget'), /monthly cap: \$100\.00; this month \$[\d.]+ \(BUDGET_MONTH_USD\)/);

      const changes = await operator.store.transaction((runner) => runner.query(sql<{ actor: string; detail: string }>`SELECT "actor", "detail" FROM "AuditEntry" WHERE "action" = 'budget.cap_set' ORDER BY "id"`));
      assert.deepEqual(
        changes.map((change) => [change.actor, JSON.parse(change.detail)]),
        [
          ['slack:UOPS', { cap: 'month', fromUsd: 100, toUsd: 0 }],
          ['slack:UOPS', { cap: 'month', fromUsd: 0, toUsd: null }],
          ['slack:UOPS', { cap: 'month', fromUsd: null, toUsd: 100, default: true }],
        ],
      );
    });

    test('only operators change a cap, bad input says what to type, and `op budget set` in a terminal changes the same caps', async () => {
      const { chat } = harness!;
      assert.match(await chat.command('budget set month 5', 'UNOBODY'), /only the operators/);
      assert.match(await chat.command('budget set month lots'), /"lots" is not an amount in USD\.\nWrite dollars as a number, e\.g\. `\/op budget set month 100`, or `off` to remove the cap/);
      assert.match(await chat.command('budget set week 5'), /"week" is not a cap\.\nType `\/op budget set plan\|month <usd>`/);
      assert.match(await chat.command('budget set workflow nosuch 5'), /There is no workflow named "nosuch"\.\nWorkflows: fixture-one-call\. Example: `\/op budget set workflow fixture-one-call 20`/);

      const op = (...args: string[]) => runNode([opBinary, 'budget', ...args], { DATABASE_URL: database.url, DATA_DIR: `${database.dir}/data`, LOG_LEVEL: 'warn' });
      const set = await op('set', 'workflow', 'invoicing', '5', '--as', 'cli:alice');
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /Set: the monthly cap of invoicing is \$5\.00, was none/);
      const wrong = await op('set', 'plan', 'cheap');
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /"cheap" is not an amount in USD.*op budget set plan 0\.50/s);
      assert.match(await chat.command('budget'), /invoicing this month: \$0\.00 of \$5\.00 \(set by cli:alice /, 'the service reads the cap the terminal set');
    });

    test("/op recall's written answer counts towards the monthly cap and stops at it: past the cap it shows the sources alone and says why", async () => {
      const capUsd = (await monthSpent()) + 0.1;
      const harness = await harnessWith([], { BUDGET_MONTH_USD: String(capUsd) });
      harness.openai!.usage = { prompt_tokens: 1_398_800, completion_tokens: 300 }; // $0.21, within the 300 tokens a written answer may take
      harness.openai!.respond('recall-answer', { answer: 'Acme pays within 14 days [1].' });
      const { chat } = harness;
      assert.match(await chat.command('remember Acme Ltd pays within 14 days of the invoice'), /Remembered/);

      assert.match(await chat.command('recall when does Acme pay?'), /Acme pays within 14 days \[1\]/, 'under the cap the model writes the answer');
      assert.equal(requestsNamed(harness, 'recall-answer'), 1);

      const past = await chat.command('recall when does Acme pay?');
      assert.match(past, new RegExp(`No written answer: the monthly cap is reached \\(spent \\${usd(capUsd - 0.1 + 0.21)} of \\${usd(capUsd)}\\), so no model wrote an answer`));
      assert.match(past, /\[1\] Acme Ltd pays within 14 days of the invoice/, 'the sources are still shown');
      assert.equal(requestsNamed(harness, 'recall-answer'), 1, 'past the cap no call is made');
    });
  });
}
