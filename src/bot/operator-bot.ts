// The platform-neutral operator core: every adapter turns a slash command, a button click or a
// thread reply into one of these calls and shows the neutral reply it gets back.
import type { Logger } from 'pino';
import type { Conductor } from '../conductor/conductor.ts';
import { noBudgetCaps, type BudgetCaps } from '../core/budgets.ts';
import { OperatorError } from '../core/errors.ts';
import { listAlerts, markNotUseful } from '../store/alerts.ts';
import { auditRefusal, findPlanIdByThread } from '../store/chat.ts';
import type { Store } from '../store/store.ts';
import type { Schedules } from '../triggers/schedules.ts';
import type { ChatMemory } from './command.ts';
import { COMMANDS, parseCommand } from './command-registry.ts';
import { MAX_TEXT_LENGTH, type InboundEvent } from './inbox-event.ts';
import { chatHint } from './hints.ts';
import { parseButton, parseFormId } from './messages.ts';
import { denyForm, editForm, MAX_REASON_LENGTH } from './render.ts';
import { actorName, operatorAccess, type Actor, type OperatorAllowlist } from './operators.ts';
import { ephemeral, type Reply } from './reply.ts';

export type { ChatMemory } from './command.ts';
export type { Reply } from './reply.ts';

export class OperatorBot {
  readonly #conductor: Conductor;
  readonly #store: Store;
  readonly #operators: OperatorAllowlist;
  readonly #log: Logger;
  /** Posts a digest now to a channel (`/op digest`); absent, the command says it is off. */
  readonly #postDigest: ((target: { platform: string; channel: string }) => Promise<void>) | undefined;
  /** `/op remember`, `/op recall`, `/op forget`; absent, those commands say memory is off. */
  readonly #memory: ChatMemory | undefined;
  readonly #schedules: Schedules | undefined;
  /** The BUDGET_* settings, which `/op budget set` overrides while running. */
  readonly #budgetDefaults: BudgetCaps;
  /** How long Snooze postpones an escalation (SNOOZE_MINUTES). */
  readonly #snoozeMs: number;

  constructor(options: {
    snoozeMs?: number;
    conductor: Conductor;
    store: Store;
    operators: OperatorAllowlist;
    logger: Logger;
    postDigest?: (target: { platform: string; channel: string }) => Promise<void>;
    memory?: ChatMemory;
    schedules?: Schedules;
    budgetDefaults?: BudgetCaps;
  }) {
    this.#conductor = options.conductor;
    this.#store = options.store;
    this.#operators = options.operators;
    this.#log = options.logger;
    this.#postDigest = options.postDigest;
    this.#memory = options.memory;
    this.#schedules = options.schedules;
    this.#budgetDefaults = options.budgetDefaults ?? noBudgetCaps;
    this.#snoozeMs = options.snoozeMs ?? 60 * 60_000;
  }

  /** Runs one event from the inbox (src/bot/inbox.ts), which makes a platform's retry of it a no-op. */
  handle(event: InboundEvent): Promise<Reply | null> {
    switch (event.kind) {
      case 'command':
        return this.handleCommand(event);
      case 'button':
        return this.handleButton(event);
      case 'reply':
        return this.handleThreadReply(event);
      case 'form':
        return this.handleForm(event);
    }
  }

  /** `/op ...`. */
  async handleCommand(event: { actor: Actor; text: string; channel: string }): Promise<Reply | null> {
    if (event.text.length > MAX_TEXT_LENGTH) return ephemeral(tooLong(event.text, 'command'));
    const parsed = parseCommand(event.text);
    if (!parsed.ok) return ephemeral(`${parsed.error}\n${parsed.usage}`);
    const { command } = parsed;
    // Precondition: a command that is not read-only needs operator access.
    if (!COMMANDS.get(command.name)?.readOnly) {
      const access = await operatorAccess(this.#operators, this.#store, event.actor);
      if (!access.allowed) return this.#refuse(event.actor, access.reason, `command.${command.name}`, command.planId, { text: event.text });
    }
    try {
      return await command.run({
        conductor: this.#conductor,
        actor: event.actor,
        who: actorName(event.actor),
        channel: event.channel,
        postDigest: this.#postDigest,
        memory: this.#memory,
        schedules: this.#schedules,
        budgets: { store: this.#store, defaults: this.#budgetDefaults, workflows: this.#conductor.workflows.list().map((workflow) => workflow.name) },
        alerts: (scope) => listAlerts(this.#store, scope),
      });
    } catch (error) {
      if (error instanceof OperatorError) return ephemeral(`${error.message}\n${chatHint(error.problem)}`);
      throw error;
    }
  }

  /** A click on Approve / Deny / Retry / Skip / Abort, or an alert's Not useful. */
  async handleButton(event: { actor: Actor; actionId: string; value: string }): Promise<Reply | null> {
    const button = parseButton(event.actionId, event.value);
    if (!button) return ephemeral('That button is not one of Operator\'s; nothing was done.');
    const access = await operatorAccess(this.#operators, this.#store, event.actor);
    if (!access.allowed) return this.#refuse(event.actor, access.reason, `button.${button.action}`, button.action === 'not_useful' ? undefined : button.planId);
    const actor = actorName(event.actor);
    try {
      switch (button.action) {
        case 'not_useful': {
          const alert = await markNotUseful(this.#store, button.planId, actor);
          return ephemeral(
            alert
              ? `Thanks: ${alert.name} is counted as a false positive (the digest shows the rate per alert).`
              : 'That alert is no longer known; nothing was done.',
          );
        }
        case 'approve':
          await this.#conductor.approve(button.planId, actor, { version: button.version });
          break;
        case 'edit': {
          const form = editForm(await this.#conductor.editForm(button.planId, button.version));
          return { message: { title: form.title, text: `Change ${form.fields.map((f) => f.name).join(', ')} of plan ${form.planId}, then approve it.` }, visibility: 'ephemeral', form };
        }
        case 'deny': {
          await this.#conductor.expectApproval(button.planId, button.version);
          // The text is the way to deny with a reason where a form cannot open.
          const form = denyForm(button.planId, button.version);
          return { message: { title: form.title, text: `Deny plan ${form.planId}, optionally saying why: \`/op deny ${form.planId} [reason]\`.` }, visibility: 'ephemeral', form };
        }
        case 'snooze':
          await this.#conductor.snooze(button.planId, actor, { forMs: this.#snoozeMs, version: button.version });
          return ephemeral(`Snoozed: the next reminder comes in ${Math.round(this.#snoozeMs / 60_000)} min unless it is decided first.`);
        default:
          await this.#conductor[button.action](button.planId, actor);
      }
      return null;
    } catch (error) {
      if (error instanceof OperatorError) return ephemeral(`${error.message}\n${chatHint(error.problem)}`);
      throw error;
    }
  }

  /**
   * A submitted form: Edit's values approve a new version, Deny's reason denies. Values that do
   * not fit come back as formErrors, shown in the form; so does any other refusal (the plan moved
   * on: a second submission of the same form changes nothing).
   */
  async handleForm(event: { actor: Actor; form: string; value: string; fields: Record<string, string> }): Promise<Reply | null> {
    const kind = parseFormId(event.form);
    const target = parseButton('op:approve', event.value);
    if (!kind || !target) return ephemeral('That form is not one of Operator\'s; nothing was done.');
    const access = await operatorAccess(this.#operators, this.#store, event.actor);
    if (!access.allowed) return this.#refuse(event.actor, access.reason, `form.${kind}`, target.planId);
    try {
      const actor = actorName(event.actor);
      if (kind === 'edit') await this.#conductor.approveWithChanges(target.planId, actor, { version: target.version, values: event.fields });
      else await this.#conductor.deny(target.planId, actor, { version: target.version, reason: denyReason(target.planId, event.fields) });
      return null;
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      const first = Object.keys(event.fields)[0] ?? '';
      const formErrors = error.problem.code === 'invalid_fields' ? error.problem.fields : { [first]: error.message };
      // The errors travel as fields too, for a platform whose forms cannot show them (Discord).
      const text = `${error.message}\n${chatHint(error.problem)}`;
      return { message: { text, fields: Object.entries(formErrors).map(([label, value]) => ({ label, value })) }, visibility: 'ephemeral', formErrors };
    }
  }

  /** A message in a plan's thread: the answer to its question, or chatter to ignore (null). */
  async handleThreadReply(event: { actor: Actor; threadKey: string; text: string }): Promise<Reply | null> {
    const planId = await findPlanIdByThread(this.#store, event.threadKey);
    if (!planId) return null;
    if (event.text.length > MAX_TEXT_LENGTH) return { message: { text: tooLong(event.text, 'reply') }, visibility: 'ephemeral' };
    const { plan } = await this.#conductor.show(planId);
    if (plan.status !== 'waiting_answer') return null;
    const access = await operatorAccess(this.#operators, this.#store, event.actor);
    if (!access.allowed) return this.#refuse(event.actor, access.reason, 'question.answer', planId);
    try {
      await this.#conductor.answer(planId, actorName(event.actor), event.text);
      return null;
    } catch (error) {
      if (error instanceof OperatorError) return { message: { text: `${error.message} ${chatHint(error.problem)}` }, visibility: 'thread' };
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
}

const tooLong = (text: string, what: 'command' | 'reply') =>
  `That ${what} is ${text.length.toLocaleString('en')} characters long; Operator takes at most ${MAX_TEXT_LENGTH.toLocaleString('en')}. Nothing was done: ` +
  (what === 'command' ? 'shorten it, e.g. keep the key=value pairs and leave long text out.' : 'reply again with a shorter answer.');

/** Deny's optional reason: blank is no reason; one too long (a client that ignored the form's limit) is a field error and denies nothing. */
function denyReason(planId: string, fields: Record<string, string>): string | undefined {
  const reason = fields.reason?.trim() ?? '';
  if (reason.length > MAX_REASON_LENGTH) {
    const message = `The reason is ${reason.length.toLocaleString('en')} characters long; shorten it to at most ${MAX_REASON_LENGTH.toLocaleString('en')}.`;
    throw new OperatorError(message, { code: 'invalid_fields', planId, fields: { reason: message } });
  }
  return reason || undefined;
}
