// The inbox, the mirror of the outbox: what the front doors acknowledged, waiting to be run.
// An entry is written before its ack (idempotent by delivery id), claimed by one worker at a
// time with a lease on the database's clock, marked applied in the transaction of the state
// change it causes (store.ts's commit rider) and answered once, with the reply a retry gets back.
import { redactText } from '../privacy/redact.ts';
import type { InboxEntry } from './generated/sqlite/client.ts';
import { newId } from './ids.ts';
import { databaseNow, type SqlRunner } from './sql.ts';
import { inboxStatements as statements } from './statements.ts';
import type { Store } from './store.ts';

export type InboxDraft = Pick<InboxEntry, 'id' | 'platform' | 'kind' | 'payload'>;

/** Where an entry stands, as a front door or a retry sees it. */
export type InboxState = { answered: false } | { answered: true; answer: string };

const stateOf = (row: Pick<InboxEntry, 'answeredAt' | 'answer'>): InboxState =>
  row.answeredAt && row.answer !== null ? { answered: true, answer: row.answer } : { answered: false };

/** Writes an entry (durably) unless its delivery id is known; says where the entry stands. */
export async function recordInbound(store: Store, draft: InboxDraft): Promise<{ fresh: boolean; state: InboxState }> {
  return store.transaction(async (runner) => {
    const fresh = (await runner.execute(statements.insertInboxEntry({ ...draft, receivedAt: databaseNow() }))) === 1;
    if (fresh) return { fresh, state: { answered: false } };
    const [row] = await runner.query(statements.inboxEntry(draft.id));
    return { fresh, state: row ? stateOf(row) : { answered: false } };
  });
}

export async function inboxState(store: Store, id: string): Promise<InboxState | null> {
  const [row] = await store.transaction((runner) => runner.query(statements.inboxEntry(id)));
  return row ? stateOf(row) : null;
}

export type ClaimedEntry = Pick<InboxEntry, 'id' | 'platform' | 'kind' | 'payload' | 'attempts' | 'appliedAt' | 'leaseToken'> & { leaseToken: string };

/** Takes up to limit unanswered entries whose lease is free or lapsed, oldest first. */
export async function claimInboxEntries(store: Store, options: { leaseMs: number; limit: number }): Promise<ClaimedEntry[]> {
  return store.transaction(async (runner) => {
    const claimed: ClaimedEntry[] = [];
    for (const { id, attempts } of await runner.query(statements.claimableInboxEntries(runner.dialect, options.limit))) {
      const leaseToken = newId('i');
      if ((await runner.execute(statements.takeInboxLease(id, attempts, leaseToken, options.leaseMs))) !== 1) continue;
      const [row] = await runner.query(statements.inboxEntry(id));
      if (row) claimed.push({ ...row, leaseToken });
    }
    return claimed;
  });
}

export async function renewInboxLease(store: Store, entry: ClaimedEntry, leaseMs: number): Promise<boolean> {
  return (await store.transaction((runner) => runner.execute(statements.renewInboxLease(entry.id, entry.leaseToken, leaseMs)))) === 1;
}

/** Thrown when an entry's lease passed to another worker: the change it came with rolls back. */
export class InboxLeaseLost extends Error {
  override name = 'InboxLeaseLost';
}

/** The commit rider for an entry: its applied mark, or the rollback of a change made without the lease. */
export const markApplied = (entry: ClaimedEntry) => async (runner: SqlRunner) => {
  if ((await runner.execute(statements.markInboxApplied(entry.id, entry.leaseToken))) !== 1) {
    throw new InboxLeaseLost(`inbox entry ${entry.id} is held by another worker now`);
  }
};

/** Records the answer: the entry is done. False when the lease was lost meanwhile. */
export async function answerInboxEntry(store: Store, entry: ClaimedEntry, answer: string): Promise<boolean> {
  return (await store.transaction((runner) => runner.execute(statements.answerInboxEntry(entry.id, entry.leaseToken, answer)))) === 1;
}

export async function deferInboxEntry(store: Store, entry: ClaimedEntry, delayMs: number, error: string): Promise<void> {
  await store.transaction((runner) => runner.execute(statements.deferInboxEntry(entry.id, entry.leaseToken, delayMs, redactText(error).slice(0, 1000))));
}

/** Deletes answered entries older than keepMs; returns how many. */
export async function pruneInbox(store: Store, keepMs: number): Promise<number> {
  return store.transaction((runner) => runner.execute(statements.pruneInbox(keepMs)));
}

/**
 * Waits up to timeoutMs for an entry's answer (the workspace and the CLI answer their caller
 * with it); null while it is still pending. Looks often at first, then less.
 */
export async function awaitAnswer(store: Store, id: string, timeoutMs: number): Promise<Extract<InboxState, { answered: true }> | null> {
  const until = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const state = await inboxState(store, id);
    if (state?.answered) return state;
    if (Date.now() + pause > until) return null;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
