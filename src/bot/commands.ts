// The /op command grammar, the same on every chat platform. Text is split into words (quotes
// group), the first word picks the command and a zod schema checks the rest. Anything else gets
// the usage of the nearest command, never a stack trace.
import { z } from 'zod';

const PlanId = z.string().regex(/^p[a-z0-9]{4,}$/, 'a plan id looks like p1a2b3c4d5 (see /op list)');
const Rest = z.array(z.string());

export const COMMANDS = {
  help: { usage: '/op help', summary: 'what you can ask for' },
  workflows: { usage: '/op workflows', summary: 'the workflows you can start' },
  start: { usage: '/op start <workflow> [key=value ... | free text]', summary: 'start a plan' },
  status: { usage: '/op status [plan]', summary: 'where a plan (or everything) stands' },
  list: { usage: '/op list [waiting|mine|all]', summary: 'plans, newest first' },
  approve: { usage: '/op approve <plan> [reason]', summary: 'approve the step a plan waits on' },
  deny: { usage: '/op deny <plan> [reason]', summary: 'deny it; performed actions are undone' },
  retry: { usage: '/op retry <plan>', summary: 'run the failed step again' },
  skip: { usage: '/op skip <plan>', summary: 'move past the failed step' },
  abort: { usage: '/op abort <plan>', summary: 'give up; performed actions are undone' },
  cancel: { usage: '/op cancel <plan> [reason]', summary: 'stop a plan under way' },
  rollback: { usage: '/op rollback <plan> <version>', summary: 'restore an earlier plan version' },
  audit: { usage: '/op audit <plan>', summary: 'who did what, when and why, and what the model was asked' },
  digest: { usage: '/op digest', summary: 'post the digest in this channel now' },
  remember: { usage: '/op remember <text>', summary: 'keep a fact in memory (personal data is masked)' },
  recall: { usage: '/op recall <question>', summary: 'what memory knows, with numbered sources' },
  forget: { usage: '/op forget <memory id>', summary: 'remove a memory and its index entry' },
} as const;
export type CommandName = keyof typeof COMMANDS;

export const Command = z.discriminatedUnion('name', [
  z.object({ name: z.literal('help') }),
  z.object({ name: z.literal('workflows') }),
  z.object({ name: z.literal('digest') }),
  z.object({ name: z.literal('remember'), text: z.string().min(1, 'write what to remember after /op remember') }),
  z.object({ name: z.literal('recall'), query: z.string().min(1, 'write a question after /op recall') }),
  z.object({ name: z.literal('forget'), memoryId: z.string().regex(/^m[a-z0-9]{4,}$/, 'a memory id looks like m1a2b3c4d5 (shown as [1] m1a2b3c4d5 in /op recall)') }),
  z.object({ name: z.literal('start'), workflow: z.string().regex(/^[a-z0-9-]+$/, 'workflow names are like supplier-payment'), args: Rest }),
  z.object({ name: z.literal('status'), planId: PlanId.optional() }),
  z.object({ name: z.literal('list'), scope: z.enum(['waiting', 'mine', 'all']).default('all') }),
  z.object({ name: z.enum(['approve', 'deny', 'cancel']), planId: PlanId, reason: z.string().optional() }),
  z.object({ name: z.enum(['retry', 'skip', 'abort', 'audit']), planId: PlanId }),
  z.object({ name: z.literal('rollback'), planId: PlanId, version: z.coerce.number().int().min(1, 'versions start at 1') }),
]);
export type Command = z.infer<typeof Command>;

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

/** Splits on spaces; "double" or 'single' quotes group words. */
export function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

export function parseCommand(text: string): ParseResult {
  const [head, ...rest] = words(text.trim());
  const name = head?.toLowerCase() ?? 'help';
  if (!(name in COMMANDS)) {
    const nearest = nearestCommand(name);
    return { ok: false, error: `"${name}" is not an /op command.`, usage: `Did you mean \`${COMMANDS[nearest].usage}\`? \`/op help\` lists them all.` };
  }
  const command = name as CommandName;
  // remember and recall take the text as typed (quotes and spacing kept), not as words.
  const typed = text.trim().replace(/^\S+\s*/, '');
  const candidate = Object.fromEntries(Object.entries(shape(command, rest, typed)).filter(([, value]) => value !== undefined));
  const parsed = Command.safeParse(candidate);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    const field = problem.path.join('.');
    return { ok: false, error: field ? `${field}: ${problem.message}` : problem.message, usage: `Usage: \`${COMMANDS[command].usage}\`` };
  }
  return { ok: true, command: parsed.data };
}

function shape(name: CommandName, rest: string[], typed: string): Record<string, unknown> {
  const [first, second] = rest;
  switch (name) {
    case 'start':
      return { name, workflow: first, args: rest.slice(1) };
    case 'status':
      return { name, planId: first };
    case 'list':
      return { name, scope: first };
    case 'approve':
    case 'deny':
    case 'cancel':
      return { name, planId: first, reason: rest.slice(1).join(' ') || undefined };
    case 'rollback':
      return { name, planId: first, version: second };
    case 'help':
    case 'workflows':
    case 'digest':
      return { name };
    case 'remember':
      return { name, text: typed };
    case 'recall':
      return { name, query: typed };
    case 'forget':
      return { name, memoryId: first };
    default:
      return { name, planId: first };
  }
}

/**
 * The input for `start`: key=value pairs become fields (numbers and booleans parsed), anything
 * else is free text for the workflow's free-text field.
 */
export function startInput(args: string[], freeTextField: string | undefined): Record<string, unknown> {
  const pairs = args.filter((arg) => /^[A-Za-z_][\w]*=/.test(arg));
  if (pairs.length > 0 && pairs.length === args.length) {
    return Object.fromEntries(
      pairs.map((pair) => {
        const [key, ...value] = pair.split('=');
        const text = value.join('=');
        const scalar = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text === 'true' ? true : text === 'false' ? false : text;
        return [key!, scalar];
      }),
    );
  }
  return freeTextField && args.length > 0 ? { [freeTextField]: args.join(' ') } : {};
}

function nearestCommand(word: string): CommandName {
  const names = Object.keys(COMMANDS) as CommandName[];
  return names.reduce((best, name) => (distance(word, name) < distance(word, best) ? name : best), 'help' as CommandName);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export function helpText(): string {
  return Object.values(COMMANDS).map((c) => `\`${c.usage}\` ${c.summary}`).join('\n');
}
