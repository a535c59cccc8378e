// Delivers the outbox. The conductor writes notices in the same transaction as the change they
// report; the dispatcher shows them in the plan's conversation, in order per plan, and marks
// them delivered. A notice is claimed before it is posted, so a crash between posting and
// marking is seen on the next attempt, and the adapter finds its earlier post by notice id
// instead of posting twice. Rate limits defer the notice (and the platform) as told.
import type { Logger } from 'pino';
import type { Conductor, PlanState } from '../conductor/conductor.ts';
import { PlanNotice } from '../conductor/notices.ts';
import { claimNotice, deferNotice, deliveredNotices, deliveredTargetedNotices, dueNotices, markDelivered, setConversation, type PendingNotice } from '../store/chat.ts';
import type { Store } from '../store/store.ts';
import { RateLimited, type ChatAdapter } from './chat-adapter.ts';
import { threadKeyOf, type ConversationRef, type Message } from './messages.ts';
import { approvalPrompt, decidedPrompt, escalationMessage, handBackPrompt, planCard, questionPrompt, reminderPrompt } from './render.ts';
import { TargetedNotice } from './targeted-notice.ts';

/** Where an escalation's e-mail goes (ESCALATION_EMAIL) and how it is sent, once per notice id. */
export interface EscalationMail {
  to: string;
  send: (mail: { to: string; subject: string; text: string }, idempotencyKey: string) => Promise<unknown>;
}

const isMailEscalation = (notice: PendingNotice) => notice.kind === 'escalation' && notice.payload.escalation === 'email';

/** How long a claimed notice stays with one dispatcher before another may try it. */
const CLAIM_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export class NoticeDispatcher {
  readonly #store: Store;
  readonly #conductor: Conductor;
  readonly #adapters = new Map<string, ChatAdapter>();
  readonly #log: Logger;
  readonly #pollMs: number;
  /** Platforms that told us to wait, until when. */
  readonly #pausedUntil = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  readonly #mail: EscalationMail | undefined;

  constructor(options: { store: Store; conductor: Conductor; logger: Logger; pollMs?: number; mail?: EscalationMail }) {
    this.#store = options.store;
    this.#mail = options.mail;
    this.#conductor = options.conductor;
    this.#log = options.logger.child({ component: 'dispatcher' });
    this.#pollMs = options.pollMs ?? 200;
  }

  register(adapter: ChatAdapter): void {
    this.#adapters.set(adapter.platform, adapter);
  }

  /** The platforms notices can be delivered to. */
  get platforms(): string[] {
    return [...this.#adapters.keys()];
  }

  start(): void {
    const tick = async () => {
      this.#running = this.deliverDue().then(
        () => undefined,
        (error: unknown) => this.#log.error({ err: error }, 'notice delivery round failed'),
      );
      await this.#running;
      if (this.#timer) this.#timer = setTimeout(tick, this.#pollMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One delivery round; returns how many notices were settled. */
  async deliverDue(): Promise<number> {
    const due = await dueNotices(this.#store, 200);
    const byPlan = new Map<string, PendingNotice[]>();
    let settled = 0;
    // An escalation's e-mail goes to the operator's mailbox, whatever chat the plan is in.
    for (const notice of due.filter(isMailEscalation)) settled += await this.#deliverMail(notice);
    for (const notice of due.filter((n) => !isMailEscalation(n))) byPlan.set(notice.planId ?? '', [...(byPlan.get(notice.planId ?? '') ?? []), notice]);
    for (const [planId, notices] of byPlan) settled += planId ? await this.#deliverPlan(planId, notices) : await this.#deliverTargeted(notices);
    return settled;
  }

  /** Notices without a plan (the digest) carry their target and their message in the payload. */
  async #deliverTargeted(notices: PendingNotice[]): Promise<number> {
    let settled = 0;
    for (const notice of notices) {
      const targeted = TargetedNotice.safeParse(notice.payload);
      if (!targeted.success) {
        this.#log.warn({ noticeId: notice.id, kind: notice.kind }, 'a notice without a plan names no target or message; nowhere to show it');
        await markDelivered(this.#store, [notice.id]);
        settled++;
        continue;
      }
      const { target, message } = targeted.data;
      // Another replica may run the adapter this one lacks: leave the notice to it.
      const adapter = this.#adapters.get(target.platform);
      if (!adapter || (this.#pausedUntil.get(target.platform) ?? 0) > Date.now()) continue;
      if (!(await claimNotice(this.#store, notice, CLAIM_MS))) continue;
      try {
        await adapter.post({ channel: target.channel }, message, { noticeId: notice.id, retried: notice.attempts > 0 });
        await markDelivered(this.#store, [notice.id]);
        settled++;
      } catch (error) {
        await this.#deferAfter(error, adapter, notice, null);
      }
    }
    return settled;
  }

  async #deliverMail(notice: PendingNotice): Promise<number> {
    if (!(await claimNotice(this.#store, notice, CLAIM_MS))) return 0;
    try {
      const parsed = PlanNotice.safeParse({ kind: notice.kind, payload: notice.payload });
      if (parsed.data?.kind !== 'escalation') {
        this.#log.warn({ noticeId: notice.id, planId: notice.planId }, 'an escalation e-mail of an unknown shape; nothing was sent');
      } else if (this.#mail) {
        const { payload } = parsed.data;
        const message = escalationMessage(payload.planId, payload.workflow, payload.version, payload);
        const text = [message.text, '', message.footer ?? ''].join('\n').replace(/\{\{user:([^}]+)\}\}/g, '$1').replace(/\{\{time:([^}]+)\}\}/g, '$1');
        await this.#mail.send({ to: this.#mail.to, subject: message.title ?? 'Operator is waiting on you', text }, notice.id);
      } else {
        this.#log.warn({ planId: notice.planId }, 'an escalation reached its e-mail step but ESCALATION_EMAIL is not set; nothing was sent');
      }
      await markDelivered(this.#store, [notice.id]);
      return 1;
    } catch (error) {
      this.#log.warn({ err: error, noticeId: notice.id, planId: notice.planId }, 'could not send an escalation e-mail; will retry');
      await deferNotice(this.#store, notice.id, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** notice.attempts), error instanceof Error ? error.message : String(error));
      return 0;
    }
  }

  async #deferAfter(error: unknown, adapter: ChatAdapter, notice: PendingNotice, planId: string | null): Promise<void> {
    const wait = error instanceof RateLimited ? error.retryAfterMs : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** notice.attempts);
    if (error instanceof RateLimited) this.#pausedUntil.set(adapter.platform, Date.now() + wait);
    this.#log.warn({ err: error, noticeId: notice.id, planId, retryInMs: wait }, 'could not deliver a notice; will retry');
    await deferNotice(this.#store, notice.id, wait, error instanceof Error ? error.message : String(error));
  }

  /**
   * Shows what was delivered to a platform again, in the order it was first shown: the recent
   * plans' notices (cards, questions, prompts, outcomes) and the digests. A chat that keeps no
   * history of its own (the local workspace) rebuilds its channel this way after a restart.
   * Writes nothing to the store.
   */
  async replay(adapter: ChatAdapter, limit = 100): Promise<void> {
    const plans = (await this.#conductor.list({ limit })).flatMap((plan) => {
      const conversation = plan.conversation as ConversationRef | null;
      return conversation?.platform === adapter.platform ? [{ ...plan, conversation }] : [];
    });
    const digests = (await deliveredTargetedNotices(this.#store, limit)).flatMap((notice) => {
      const targeted = TargetedNotice.safeParse(notice.payload);
      return targeted.success && targeted.data.target.platform === adapter.platform ? [{ ...targeted.data, id: notice.id, createdAt: notice.createdAt }] : [];
    });
    const timeline = [
      ...plans.map((plan) => ({ at: plan.createdAt, show: () => this.#replayPlan(adapter, plan.id, plan.conversation.channel) })),
      ...digests.map((digest) => ({
        at: digest.createdAt,
        show: async () => void (await adapter.post({ channel: digest.target.channel }, digest.message, { noticeId: digest.id, retried: true })),
      })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const item of timeline) await item.show();
  }

  async #replayPlan(adapter: ChatAdapter, planId: string, channel: string): Promise<void> {
    const state = await this.#conductor.show(planId);
    const conversation: ConversationRef = { platform: adapter.platform, channel };
    for (const notice of await deliveredNotices(this.#store, planId)) await this.#deliver(adapter, conversation, notice, state);
  }

  /** Delivers one plan's notices in order; stops at the first that cannot be delivered now. */
  async #deliverPlan(planId: string, notices: PendingNotice[]): Promise<number> {
    const state = planId ? await this.#conductor.show(planId).catch(() => null) : null;
    const conversation = (state?.plan.conversation ?? null) as ConversationRef | null;
    const adapter = conversation ? this.#adapters.get(conversation.platform) : undefined;
    if (!state || !conversation) {
      // Plans started from the CLI have no conversation: there is nobody to tell in chat.
      await markDelivered(this.#store, notices.map((n) => n.id));
      return notices.length;
    }
    if (!adapter || (this.#pausedUntil.get(conversation.platform) ?? 0) > Date.now()) return 0;

    // Every notice updates the card, so a progress notice followed by another has nothing to add.
    const superseded = notices.filter((notice, i) => notice.kind === 'progress' && i < notices.length - 1);
    if (superseded.length > 0) await markDelivered(this.#store, superseded.map((n) => n.id));
    let settled = superseded.length;
    for (const notice of notices.filter((n) => !superseded.includes(n))) {
      if (!(await claimNotice(this.#store, notice, CLAIM_MS))) return settled;
      try {
        const before = JSON.stringify(conversation);
        await this.#deliver(adapter, conversation, notice, state);
        if (JSON.stringify(conversation) !== before) {
          await setConversation(this.#store, planId, conversation, conversation.threadId && threadKeyOf({ ...conversation, threadId: conversation.threadId }));
        }
        await markDelivered(this.#store, [notice.id]);
        settled++;
      } catch (error) {
        await this.#deferAfter(error, adapter, notice, planId);
        return settled;
      }
    }
    return settled;
  }

  /** Shows one notice; updates conversation with the ids of what it posted. */
  async #deliver(adapter: ChatAdapter, conversation: ConversationRef, notice: PendingNotice, state: PlanState): Promise<void> {
    const delivery = { noticeId: notice.id, retried: notice.attempts > 0 };
    const card = planCard(state);
    if (!conversation.cardId) {
      const posted = await adapter.post({ channel: conversation.channel }, card, { ...delivery, startsThread: true });
      conversation.cardId = posted.messageId;
      conversation.threadId = posted.threadId ?? posted.messageId;
      if (notice.kind === 'plan_started') return;
    } else {
      await adapter.update({ channel: conversation.channel }, conversation.cardId, card);
    }
    const inThread = { channel: conversation.channel, threadId: conversation.threadId };
    const parsed = PlanNotice.safeParse({ kind: notice.kind, payload: notice.payload });
    if (!parsed.success) {
      this.#log.warn({ noticeId: notice.id, kind: notice.kind, planId: state.plan.id }, 'notice of an unknown shape: the card update is all it shows');
      return;
    }
    const { kind, payload } = parsed.data;
    const remember = async (stepKey: string, message: Message) => {
      const posted = await adapter.post(inThread, message, delivery);
      conversation.prompts = { ...conversation.prompts, [stepKey]: { id: posted.messageId, title: message.title, text: message.text } };
    };
    switch (kind) {
      case 'approval_needed':
        return remember(payload.stepKey, approvalPrompt(state.plan.id, payload.version, payload.text, { editable: payload.editable === true }));
      case 'question':
        return remember(payload.stepKey, questionPrompt(payload.text));
      case 'needs_operator':
        return remember(payload.stepKey, handBackPrompt(state.plan.id, payload.version, payload.text, payload.budget));
      case 'reminder':
        // Not kept as the step's prompt: the decision replaces the buttons of the original one.
        await adapter.post(inThread, reminderPrompt(state.plan.id, payload.version, payload), delivery);
        return;
      case 'escalation': {
        // A direct message to whoever started the plan, on the plan's platform.
        const requester = /^([a-z]+):(.+)$/.exec(payload.requestedBy);
        if (!adapter.direct || requester?.[1] !== adapter.platform) {
          this.#log.info({ planId: state.plan.id, platform: adapter.platform }, 'an escalation\'s direct message has nobody to go to on this platform');
          return;
        }
        await adapter.direct(requester[2]!, escalationMessage(state.plan.id, state.plan.workflow, payload.version, payload), delivery);
        return;
      }
      case 'decision': {
        const prompt = conversation.prompts?.[payload.stepKey];
        if (!prompt) return;
        return adapter.update(inThread, prompt.id, decidedPrompt({ title: prompt.title, text: prompt.text }, payload.outcome, payload.actor, new Date(payload.at), payload.reason));
      }
      case 'previewed':
        await adapter.post(inThread, { title: 'Dry run', text: payload.text }, delivery);
        return;
      case 'completed':
      case 'failed':
      case 'cancelled':
      case 'compensated':
      case 'plan_updated':
        await adapter.post(inThread, { text: payload.text }, delivery);
        return;
      default:
        return; // progress: the card update above is the whole notice
    }
  }
}
