// The platform-neutral operator core: every adapter turns a slash command, a button click or a
// thread reply into one of these calls and shows the neutral reply it gets back.
import type { Logger } from 'pino';
import type { Conductor } from '../conductor/conductor.ts';
import { OperatorError } from '../conductor/errors.ts';
import { TERMINAL_STATUSES, WAITING_STATUSES } from '../store/statuses.ts';
import type { Memory } from '../memory/memory.ts';
import { auditRefusal, findPlanIdByThread, firstDelivery } from '../store/chat.ts';
import type { Store } from '../store/store.ts';
import { helpText, parseCommand, startInput, type Command } from './commands.ts';
import { parseButton, type Message } from './messages.ts';
import { actorName, operatorAccess, type Actor, type OperatorAllowlist } from './operators.ts';
import { auditMessage, planCard, recallMessage } from './render.ts';

export type ChatMemory = Pick<Memory, 'remember' | 'recall' | 'forget'>;

export interface Reply {
  message: Message;
  /** ephemeral: only the person who asked sees it; thread: everyone in the plan's thread. */
  visibility: 'ephemeral' | 'thread';
}

const ephemeral = (text: string, title?: string): Reply => ({ message: { title, text }, visibility: 'ephemeral' });

/** Commands anyone in the channel may use; everything else changes plans and needs an operator. */
const READ_ONLY: readonly Command['name'][] = ['help', 'workflows', 'status', 'list'];

export class OperatorBot {
  readonly #conductor: Conductor;
  readonly #store: Store;
  readonly #operators: OperatorAllowlist;
  readonly #log: Logger;
  /** Posts a digest now to a channel (`/op digest`); absent, the command says it is off. */
  readonly #postDigest: ((target: { platform: string; channel: string }) => Promise<void>) | undefined;
  /** `/op remember`, `/op recall`, `/op forget`; absent, those commands say memory is off. */
  readonly #memory: ChatMemory | undefined;

  constructor(options: {
    conductor: Conductor;
    store: Store;
    operators: OperatorAllowlist;
    logger: Logger;
    postDigest?: (target: { platform: string; channel: string }) => Promise<void>;
    memory?: ChatMemory;
  }) {
    this.#conductor = options.conductor;
    this.#store = options.store;
    this.#operators = options.operators;
    this.#log = options.logger;
    this.#postDigest = options.postDigest;
    this.#memory = options.memory;
  }

  /** `/op ...`. deliveryId makes a platform's retry of the same command a no-op (null). */
  async handleCommand(event: { actor: Actor; text: string; channel: string; deliveryId: string }): Promise<Reply | null> {
    if (!(await firstDelivery(this.#store, event.deliveryId))) return null;
    const parsed = parseCommand(event.text);
    if (!parsed.ok) return ephemeral(`${parsed.error}\n${parsed.usage}`);
    const { command } = parsed;
    if (!READ_ONLY.includes(command.name)) {
      const access = await operatorAccess(this.#operators, this.#store, event.actor);
      if (!access.allowed) return this.#refuse(event.actor, access.reason, `command.${command.name}`, 'planId' in command ? command.planId : undefined, { text: event.text });
    }
    try {
      return await this.#run(command, event.actor, event.channel);
    } catch (error) {
      if (error instanceof OperatorError) return ephemeral(`${error.message}\n${error.hint}`);
      throw error;
    }
  }

  /** A click on Approve / Deny / Retry / Skip / Abort. */
  async handleButton(event: { actor: Actor; actionId: string; value: string; deliveryId: string }): Promise<Reply | null> {
    if (!(await firstDelivery(this.#store, event.deliveryId))) return null;
    const button = parseButton(event.actionId, event.value);
    if (!button) return ephemeral('That button is not one of Operator\'s; nothing was done.');
    const access = await operatorAccess(this.#operators, this.#store, event.actor);
    if (!access.allowed) return this.#refuse(event.actor, access.reason, `button.${button.action}`, button.planId);
    const actor = actorName(event.actor);
    try {
      switch (button.action) {
        case 'approve':
        case 'deny':
          await this.#conductor[button.action](button.planId, actor, { version: button.version });
          break;
        default:
          await this.#conductor[button.action](button.planId, actor);
      }
      return null;
    } catch (error) {
      if (error instanceof OperatorError) return ephemeral(`${error.message}\n${error.hint}`);
      throw error;
    }
  }

  /** A message in a plan's thread: the answer to its question, or chatter to ignore (null). */
  async handleThreadReply(event: { actor: Actor; threadKey: string; text: string; deliveryId: string }): Promise<Reply | null> {
    const planId = await findPlanIdByThread(this.#store, event.threadKey);
    if (!planId || !(await firstDelivery(this.#store, event.deliveryId))) return null;
    const { plan } = await this.#conductor.show(planId);
    if (plan.status !== 'waiting_answer') return null;
    const access = await operatorAccess(this.#operators, this.#store, event.actor);
    if (!access.allowed) return this.#refuse(event.actor, access.reason, 'question.answer', planId);
    try {
      await this.#conductor.answer(planId, actorName(event.actor), event.text);
      return null;
    } catch (error) {
      if (error instanceof OperatorError) return { message: { text: `${error.message} Reply again in this thread.` }, visibility: 'thread' };
      throw error;
    }
  }

  async #refuse(actor: Actor, reason: 'not an operator' | 'operator access revoked', action: string, planId?: string, detail?: unknown): Promise<Reply> {
    await auditRefusal(this.#store, { actor: actorName(actor), action: `refused.${action}`, reason, planId, detail });
    this.#log.info({ actor: actorName(actor), action, reason }, 'refused a request from someone who may not change plans');
    return ephemeral(
      reason === 'not an operator'
        ? 'Sorry, only the operators of this workspace can do that. Ask one of them to add you to the allowlist.'
        : 'Sorry, your operator access has been revoked. Ask an operator to restore it (op operator restore).',
    );
  }

  async #run(command: Command, actor: Actor, channel: string): Promise<Reply> {
    const who = actorName(actor);
    switch (command.name) {
      case 'help':
        return ephemeral(helpText(), 'Operator commands');
      case 'workflows':
        return ephemeral(
          this.#conductor.workflows.list().map((w) => `*${w.name}*: ${w.description}`).join('\n') || 'No workflows are installed.',
          'Workflows',
        );
      case 'start': {
        const definition = this.#conductor.workflows.get(command.workflow);
        const input = startInput(command.args, definition.freeTextField);
        const { plan } = await this.#conductor.start(command.workflow, input, {
          requestedBy: who,
          conversation: { platform: actor.platform, channel },
        });
        return ephemeral(`Started ${plan.workflow} as plan ${plan.id}. Its card follows in this channel.`);
      }
      case 'status': {
        if (command.planId) return { message: planCard(await this.#conductor.show(command.planId)), visibility: 'ephemeral' };
        const open = (await this.#conductor.list({ limit: 200 })).filter((p) => !TERMINAL_STATUSES.includes(p.status));
        return ephemeral(open.length ? open.map((p) => `${p.id} ${p.workflow}: ${p.status.replace(/_/g, ' ')}`).join('\n') : 'Nothing is under way.', 'Plans under way');
      }
      case 'list': {
        const plans = await this.#conductor.list({ limit: 200 });
        const shown = plans
          .filter((p) => command.scope !== 'waiting' || WAITING_STATUSES.includes(p.status))
          .filter((p) => command.scope !== 'mine' || p.requestedBy === who)
          .slice(0, 20);
        return ephemeral(shown.length ? shown.map((p) => `${p.id} ${p.workflow}: ${p.status.replace(/_/g, ' ')}`).join('\n') : 'No plans.', `Plans (${command.scope})`);
      }
      case 'approve':
      case 'deny':
        await this.#conductor[command.name](command.planId, who, { reason: command.reason });
        return ephemeral(`${command.name === 'approve' ? 'Approved' : 'Denied'} ${command.planId}.`);
      case 'cancel':
        await this.#conductor.cancel(command.planId, who, command.reason);
        return ephemeral(`Cancelled ${command.planId}.`);
      case 'retry':
      case 'skip':
      case 'abort':
        await this.#conductor[command.name](command.planId, who);
        return ephemeral(`${command.name[0]!.toUpperCase()}${command.name.slice(1)}: ${command.planId}.`);
      case 'rollback': {
        const { plan } = await this.#conductor.rollback(command.planId, who, command.version);
        return ephemeral(`Rolled ${plan.id} back to version ${command.version}; it is now version ${plan.version}.`);
      }
      case 'audit':
        return { message: auditMessage(command.planId, await this.#conductor.audit(command.planId), await this.#conductor.modelCalls(command.planId)), visibility: 'ephemeral' };
      case 'digest':
        if (!this.#postDigest) return ephemeral('The digest is not available in this process.');
        await this.#postDigest({ platform: actor.platform, channel });
        return ephemeral('Posting the digest in this channel now.');
      case 'remember':
      case 'recall':
      case 'forget':
        if (!this.#memory) return ephemeral('Memory is not available in this process.');
        return this.#runMemory(this.#memory, command, actor, channel);
    }
  }

  async #runMemory(memory: ChatMemory, command: Extract<Command, { name: 'remember' | 'recall' | 'forget' }>, actor: Actor, channel: string): Promise<Reply> {
    switch (command.name) {
      case 'remember': {
        const source = (['slack', 'discord', 'workspace'] as const).find((platform) => platform === actor.platform) ?? 'workspace';
        // A slash command leaves no message to link to; on Slack the link opens its channel.
        const link = source === 'slack' ? `https://slack.com/app_redirect?channel=${encodeURIComponent(channel)}` : null;
        const { id, duplicate } = await memory.remember({ kind: 'fact', text: command.text, source, link, createdBy: actorName(actor) });
        return ephemeral(duplicate ? `That is already in memory as ${id}.` : `Remembered as ${id}. \`/op forget ${id}\` removes it.`);
      }
      case 'recall':
        return { message: recallMessage(await memory.recall(command.query, { answer: true })), visibility: 'ephemeral' };
      case 'forget':
        return ephemeral(
          (await memory.forget(command.memoryId))
            ? `Forgot ${command.memoryId}; its index entry goes with it.`
            : `There is no memory ${command.memoryId} (already forgotten or expired?). \`/op recall <question>\` shows memory ids.`,
        );
    }
  }
}
