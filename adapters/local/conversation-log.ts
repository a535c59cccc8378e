// The local workspace's channel: what the workspace "platform" keeps, as Slack keeps a channel's
// messages. Cards sit in the channel, details in each card's thread. It lives in memory; after a
// restart the service rebuilds it from the store (cards and delivered notices).
import type { Message } from '../../src/bot/messages.ts';

export interface Entry {
  id: string;
  /** The card this message is in the thread of; absent for cards and channel messages. */
  threadId?: string;
  /** A plan card: its thread holds the details and takes replies. */
  hasThread: boolean;
  /** 'operator' for what Operator posts, 'you' for what the person at the workspace writes. */
  author: 'operator' | 'you';
  message: Message;
  at: string;
}

export type Change = { kind: 'post' | 'update'; entry: Entry };

/** Cards kept, oldest dropped first with their threads, so a long-running process stays small. */
const MAX_CARDS = 200;
/** Messages kept per thread, oldest dropped first: a thread with thousands of replies must not make every new tab's snapshot megabytes. */
const MAX_THREAD_ENTRIES = 100;

export class ConversationLog {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<(change: Change) => void>();

  entries(): Entry[] {
    return [...this.#entries.values()];
  }

  get(id: string): Entry | undefined {
    return this.#entries.get(id);
  }

  /** Adds an entry unless one with its id exists already (a retried notice); returns the kept one. */
  post(entry: Entry): Entry {
    const existing = this.#entries.get(entry.id);
    if (existing) return existing;
    this.#entries.set(entry.id, entry);
    if (entry.threadId) this.#dropOldReplies(entry.threadId);
    else this.#dropOldCards();
    this.#emit({ kind: 'post', entry });
    return entry;
  }

  update(id: string, message: Message): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    const updated = { ...entry, message };
    this.#entries.set(id, updated);
    this.#emit({ kind: 'update', entry: updated });
    return true;
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  #emit(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }

  #dropOldReplies(threadId: string): void {
    const thread = [...this.#entries.values()].filter((entry) => entry.threadId === threadId);
    for (const entry of thread.slice(0, Math.max(0, thread.length - MAX_THREAD_ENTRIES))) this.#entries.delete(entry.id);
  }

  #dropOldCards(): void {
    const cards = [...this.#entries.values()].filter((entry) => !entry.threadId);
    for (const card of cards.slice(0, Math.max(0, cards.length - MAX_CARDS))) {
      for (const [id, entry] of this.#entries) if (id === card.id || entry.threadId === card.id) this.#entries.delete(id);
    }
  }
}
