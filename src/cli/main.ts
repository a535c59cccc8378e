// `op`: run and steer Operator from a terminal. Human output by default, --json for scripts.
// Exit codes: 0 done, 1 unexpected failure, 2 bad input (nothing was changed).
// This file stays small: each command (commands.ts) loads what it needs when it runs.
import { OperatorError } from '../core/errors.ts';
import type { CliCommand, CliResult } from './cli-command.ts';
import { COMMANDS, findCommand, USAGE } from './commands.ts';
import { cliHint } from './hints.ts';
import { usageError } from './usage.ts';

/** node:util parseArgs refuses an option the command does not take with one of these codes. */
const isParseError = (error: unknown): error is Error & { code: string } =>
  error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS');

function refusal(error: Error & { code: string }, command: CliCommand): OperatorError {
  const name = `op ${command.words.join(' ')}`;
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  const message =
    error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option
      ? `Unknown option '${option}': ${name} does not take it; nothing was done.`
      : `${name}: ${error.message.split('. ')[0]}; nothing was done.`;
  return usageError(message, `Usage: ${command.usage}`);
}

async function run(argv: string[]): Promise<CliResult> {
  const found = findCommand(argv);
  if (!found) {
    const [group, command] = argv;
    if (group === undefined || group === '--help' || group === '-h') return USAGE;
    const isGroup = COMMANDS.some(({ words }) => words.length > 1 && words[0] === group);
    const message = !isGroup ? `op: unknown command "${group}".` : command === undefined ? `op ${group}: which command?` : `op ${group}: unknown command "${command}".`;
    throw usageError(message, USAGE);
  }
  let parsed;
  try {
    parsed = found.command.parse(found.rest);
  } catch (error) {
    if (isParseError(error)) throw refusal(error, found.command);
    throw error;
  }
  if (parsed.help) return `Usage: ${found.command.usage}`;
  return parsed.run();
}

const json = process.argv.includes('--json');
run(process.argv.slice(2)).then(
  (result) => {
    console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  },
  async (error: unknown) => {
    const { ConfigError } = await import('../config/config.ts');
    if (error instanceof OperatorError) {
      const hint = cliHint(error.problem);
      if (json) console.error(JSON.stringify({ error: error.message, hint }));
      else console.error(`${error.message}\n${hint}`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
