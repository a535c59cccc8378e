// What an /op command is: one file under src/bot/commands/ exports one, found by folder
// (command-registry.ts). The definition is the one source of its grammar (arguments in order),
// its contract (a zod schema), its usage, whether anyone may use it, Discord's slash-command
// options and its handler. Types flow from the schema to the handler inside defineCommand.
import { z } from 'zod';
import type { Conductor } from '../conductor/conductor.ts';
import type { Memory } from '../memory/memory.ts';
import type { AlertRecord } from '../store/alerts.ts';
import type { Schedules } from '../triggers/schedules.ts';
import type { BudgetDesk } from './budget-commands.ts';
import type { Actor } from './operators.ts';
import type { Reply } from './reply.ts';

export type ChatMemory = Pick<Memory, 'remember' | 'recall' | 'forget'>;

/** What a handler may use; the bot fills it per request. */
export interface CommandContext {
  conductor: Conductor;
  actor: Actor;
  /** The actor as the audit names them (slack:U123). */
  who: string;
  channel: string;
  /** Posts a digest now to a channel (`/op digest`); absent, the command says it is off. */
  postDigest?: (target: { platform: string; channel: string }) => Promise<void>;
  /** `/op remember`, `/op recall`, `/op forget`; absent, those commands say memory is off. */
  memory?: ChatMemory;
  /** `/op schedule`; absent, the command says schedules are off. */
  schedules?: Schedules;
  /** `/op budget`: the caps' store and defaults; absent, the command says budgets are off here. */
  budgets?: BudgetDesk;
  /** `/op alerts`: the alerts that fire, or fired in the last week. */
  alerts: (scope: 'firing' | 'recent') => Promise<AlertRecord[]>;
}

/**
 * One argument, in grammar order. word: the next word; words: every word left, as a list;
 * rest: every word left, as one text (absent when there is none); text: everything typed after
 * the command's name and the words before it, line breaks, spacing and quotes kept; flag: true
 * when the next word is `--<option>` (a Discord boolean option), absent otherwise.
 */
export interface Argument {
  key: string;
  takes: 'word' | 'words' | 'rest' | 'text' | 'flag';
  /** The Discord option's name and description. */
  option: string;
  description: string;
  required: boolean;
  integer?: { min: number };
  choices?: readonly string[];
}

/** A command parsed from text: its arguments for display, and the call that runs it. */
export interface ParsedCommand {
  name: string;
  args: Record<string, unknown>;
  /** The plan the command is about, for the audit of a refusal. */
  planId?: string;
  run(context: CommandContext): Promise<Reply>;
}

export type ArgumentsCheck = { ok: true; command: ParsedCommand } | { ok: false; error: string };

export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** Read-only commands are for anyone in the channel; the rest need operator access. */
  readOnly: boolean;
  arguments: readonly Argument[];
  /** Checks the arguments gathered from the words against the command's schema. */
  check(candidate: Record<string, unknown>): ArgumentsCheck;
}

export function defineCommand<Schema extends z.ZodObject>(definition: {
  name: string;
  usage: string;
  summary: string;
  readOnly: boolean;
  arguments: readonly Argument[];
  schema: Schema;
  run(context: CommandContext, args: z.infer<Schema>): Promise<Reply>;
}): Command {
  const { schema, run, ...described } = definition;
  return {
    ...described,
    check(candidate) {
      const parsed = schema.safeParse(candidate);
      if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
      const args = parsed.data;
      const planId = typeof args.planId === 'string' ? args.planId : undefined;
      return { ok: true, command: { name: definition.name, args, planId, run: (context) => run(context, args) } };
    },
  };
}

/** A plan id as the chat and the CLI show it. */
export const PlanId = z.string({ error: 'which plan? Give its id (`/op list` shows them).' }).regex(/^p[a-z0-9]{4,}$/, 'a plan id looks like p1a2b3c4d5 (see /op list)');

export const planArgument = (required = true): Argument => ({ key: 'planId', takes: 'word', option: 'plan', description: 'plan id, e.g. p1a2b3c4d5', required });
export const reasonArgument: Argument = { key: 'reason', takes: 'rest', option: 'reason', description: 'why (kept in the audit trail)', required: false };
