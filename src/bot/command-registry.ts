// The /op commands, found by folder: every file in ./commands/ exports one `command`
// (defineCommand in command.ts), as Sapphire finds its commands. Text is split into words
// (quotes group), the first word picks the command and its arguments fill its schema. Anything
// else gets the usage of the nearest command, never a stack trace.
import fs from 'node:fs';
import type { Command, ParsedCommand } from './command.ts';

const folder = new URL('./commands/', import.meta.url);

const isCommand = (value: unknown): value is Command =>
  typeof value === 'object' && value !== null && 'name' in value && 'check' in value && typeof value.check === 'function';

async function loadCommands(): Promise<Map<string, Command>> {
  const files = fs.readdirSync(folder).filter((file) => /\.[cm]?[jt]s$/.test(file)).sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const module: { command?: unknown } = await import(new URL(file, folder).href);
    if (!isCommand(module.command)) throw new Error(`src/bot/commands/${file} must export \`command\` made with defineCommand`);
    if (commands.has(module.command.name)) throw new Error(`two files define /op ${module.command.name}`);
    commands.set(module.command.name, module.command);
  }
  return commands;
}

/** Keyed by name in a Map: a word like `constructor` or `__proto__` is no command. */
export const COMMANDS: ReadonlyMap<string, Command> = await loadCommands();

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string; usage: string };

const WORD = /"([^"]*)"|'([^']*)'|(\S+)/g;

/** Splits on spaces; "double" or 'single' quotes group words. */
export function words(text: string): string[] {
  return [...text.matchAll(WORD)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/**
 * What was typed after the command's name and its first `taken` words, as typed: line breaks,
 * quotes and spacing kept, so a pasted e-mail keeps its headers, signature and quoted lines.
 */
function typedAfter(text: string, taken: number): string {
  const last = [...text.matchAll(WORD)][taken];
  return last ? text.slice(last.index + last[0].length).trimStart() : '';
}

/** The arguments a command's grammar takes from the words after its name. */
function gather(command: Command, rest: string[], text: string): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  let next = 0;
  for (const argument of command.arguments) {
    if (argument.takes === 'flag') {
      if (rest[next] === `--${argument.option}`) {
        candidate[argument.key] = true;
        next++;
      }
      continue;
    }
    const value =
      argument.takes === 'word'
        ? rest[next++]
        : argument.takes === 'words'
          ? rest.slice(next)
          : argument.takes === 'rest'
            ? rest.slice(next).join(' ') || undefined
            : typedAfter(text, next);
    if (argument.takes !== 'word') next = rest.length;
    if (value !== undefined) candidate[argument.key] = value;
  }
  return candidate;
}

export function parseCommand(text: string): ParseResult {
  const [head, ...rest] = words(text.trim());
  const name = head?.toLowerCase() ?? 'help';
  const command = COMMANDS.get(name);
  if (!command) {
    return { ok: false, error: `"${name}" is not an /op command.`, usage: `Did you mean \`${nearestCommand(name).usage}\`? \`/op help\` lists them all.` };
  }
  const checked = command.check(gather(command, rest, text.trim()));
  return checked.ok ? checked : { ok: false, error: checked.error, usage: `Usage: \`${command.usage}\`` };
}

function nearestCommand(word: string): Command {
  const all = [...COMMANDS.values()];
  return all.reduce((best, command) => (distance(word, command.name) < distance(word, best.name) ? command : best), COMMANDS.get('help') ?? all[0]!);
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
  return [...COMMANDS.values()].map((c) => `\`${c.usage}\` ${c.summary}`).join('\n');
}
