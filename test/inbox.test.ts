// The inbox runs each entry once: a retried delivery is one entry and gets the recorded answer;
// an entry whose change committed before a crash is answered after the restart without running
// again; a change made by a worker whose lease passed to another rolls back; an entry whose
// handler hangs is handed back at its deadline and runs once on its next attempt. On SQLite and
// PostgreSQL, with the real store and conductor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { awaitAnswer, InboxProcessor } from '../src/bot/inbox.ts';
import { inboxDraft, type InboundEvent } from '../src/bot/inbox-event.ts';
import { OperatorBot } from '../src/bot/operator-bot.ts';
import { OperatorAllowlist } from '../src/bot/operators.ts';
import type { Operator } from '../src/operator.ts';
import { claimInboxEntries, InboxLeaseLost, markApplied, recordInbound } from '../src/store/inbox.ts';
import { withCommitRider } from '../src/store/store.ts';
import { gatedWorkflow } from './fixtures/workflows.ts';
import { createTestDatabase, providers, type TestDatabase } from './support/databases.ts';
import { silentLogger, testOperator } from './support/operator.ts';
import { pollUntil } from './support/poll.ts';

const OPERATOR = { platform: 'slack', userId: 'UINBOX' };
/** A handler that hangs on its first event until released: what a stuck dependency does to a command. */
class FirstCallHangs extends OperatorBot {
  release: () => void = () => undefined;
  /** The hung first call, once released: it goes on where it stopped. */
  late: Promise<unknown> | null = null;
  #calls = 0;

  override async handle(event: InboundEvent) {
    if (this.#calls++ === 0) {
      await new Promise<void>((resolve) => (this.release = resolve));
      this.late = super.handle(event);
      return this.late as ReturnType<OperatorBot['handle']>;
    }
    return super.handle(event);
  }
}

const start = (amount: number): InboundEvent => ({ kind: 'command', actor: OPERATOR, text: `start fixture-gated amount=${amount}`, channel: 'C1' });

for (const provider of providers()) {
  describe(`inbox (${provider})`, () => {
    let database: TestDatabase;
    let operator: Operator;
    let bot: OperatorBot;

    before(async () => {
      database = await createTestDatabase(provider);
      operator = await testOperator(database, [gatedWorkflow]);
      bot = new OperatorBot({ conductor: operator.conductor, store: operator.store, operators: new OperatorAllowlist({ slack: ['UINBOX'] }), logger: silentLogger() });
    });
    after(async () => {
      await operator.close();
      await database.drop();
    });

    const plansOf = async (amount: number) =>
      (await operator.store.prisma((db) => db.plan.findMany({ where: { workflow: 'fixture-gated' }, select: { input: true } }))).filter(
        (plan) => (JSON.parse(plan.input) as { amount: number }).amount === amount,
      ).length;

    test('a delivery written twice is one entry: it runs once and the retry gets the recorded answer', async () => {
      const processor = new InboxProcessor({ store: operator.store, bot, logger: silentLogger(), pollMs: 20 });
      processor.start();
      try {
        const draft = inboxDraft('slack:command:twice', { event: start(101) });
        assert.equal((await recordInbound(operator.store, draft)).fresh, true);
        processor.notify();
        const answer = await awaitAnswer(operator.store, draft.id, 10_000);
        assert.match(answer?.answer ?? '', /Started fixture-gated/);
        const retry = await recordInbound(operator.store, draft);
        assert.deepEqual(retry, { fresh: false, state: { answered: true, answer: answer!.answer } });
        assert.equal(await plansOf(101), 1);
      } finally {
        await processor.stop();
      }
    });

    test('an entry whose change committed before a crash is answered after the restart and not run again', async () => {
      const draft = inboxDraft('slack:command:crashed-after-change', { event: start(102) });
      await recordInbound(operator.store, draft);
      const [entry] = await claimInboxEntries(operator.store, { leaseMs: 200, limit: 10 });
      assert.equal(entry?.id, draft.id);
      // The worker made the change, then died before it recorded the answer.
      await withCommitRider(markApplied(entry!), () => bot.handle(start(102)));
      assert.equal(await plansOf(102), 1);

      const processor = new InboxProcessor({ store: operator.store, bot, logger: silentLogger(), pollMs: 20 });
      processor.start();
      try {
        const answer = await awaitAnswer(operator.store, draft.id, 10_000);
        assert.match(answer?.answer ?? '', /Done \(Operator was interrupted before it could reply\)/);
        assert.equal(await plansOf(102), 1);
      } finally {
        await processor.stop();
      }
    });

    test('a change made after the lease passed to another worker rolls back', async () => {
      const draft = inboxDraft('slack:command:stale-lease', { event: start(103) });
      await recordInbound(operator.store, draft);
      const [stale] = await claimInboxEntries(operator.store, { leaseMs: 1, limit: 10 });
      assert.equal(stale?.id, draft.id);
      let taken: Awaited<ReturnType<typeof claimInboxEntries>> = [];
      while (taken.length === 0) taken = await claimInboxEntries(operator.store, { leaseMs: 60_000, limit: 10 });
      assert.equal(taken[0]?.id, draft.id);
      await assert.rejects(withCommitRider(markApplied(stale!), () => bot.handle(start(103))), InboxLeaseLost);
      assert.equal(await plansOf(103), 0);
      await withCommitRider(markApplied(taken[0]!), () => bot.handle(start(103)));
      assert.equal(await plansOf(103), 1);
    });

    test('an entry whose handler hangs past its deadline is handed back with the attempt recorded, and runs once on the next attempt', async () => {
      const hanging = new FirstCallHangs({ conductor: operator.conductor, store: operator.store, operators: new OperatorAllowlist({ slack: ['UINBOX'] }), logger: silentLogger() });
      const processor = new InboxProcessor({ store: operator.store, bot: hanging, logger: silentLogger(), pollMs: 20, leaseMs: 1000, deadlineMs: 3000, concurrency: 1 });
      processor.start();
      try {
        const draft = inboxDraft('slack:command:hangs', { event: start(104) });
        await recordInbound(operator.store, draft);
        processor.notify();
        // With one slot, the hung first attempt would hold it (and the entry) for good without a deadline.
        const answer = await awaitAnswer(operator.store, draft.id, 15_000);
        assert.match(answer?.answer ?? '', /Started fixture-gated/);
        const entry = await operator.store.prisma((db) => db.inboxEntry.findUniqueOrThrow({ where: { id: draft.id } }));
        assert.equal(entry.attempts, 2, 'the overrun attempt and the one that ran');
        assert.equal(await plansOf(104), 1);
        // The hung attempt wakes up: its change needs the lease it no longer holds, and rolls back.
        hanging.release();
        await assert.rejects(pollUntil(() => hanging.late, 5000, () => 'the hung attempt did not go on'), InboxLeaseLost);
        assert.equal(await plansOf(104), 1);
      } finally {
        await processor.stop();
      }
    });
  });
}
