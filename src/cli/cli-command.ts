// What an `op` command is: the words that name it, its usage, the options it takes and its
// handler. Options are parsed strictly per command, so an option the command does not take is
// refused with its usage before anything runs (`op plan start x --dry-run` starts nothing).
// Handlers load what they need when they run: `op plan show` never loads Chroma, Bolt,
// discord.js or LangChain.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** Every command takes these. */
const COMMON = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig;

type Values<Options extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof COMMON & Options; allowPositionals: true; strict: true }>
>['values'];

/** What a handler gets: the words typed after the command's name, and its options, typed. */
export interface CliArgs<Options extends ParseArgsOptionsConfig> {
  positionals: string[];
  values: Values<Options>;
  json: boolean;
}

export type CliResult = string | object;

export interface CliCommand {
  /** ['plan', 'show'] for `op plan show`. */
  readonly words: readonly string[];
  /** One line per form, as `op --help` lists them. */
  readonly usage: string;
  /**
   * Parses what follows the command's words; throws (node's ERR_PARSE_ARGS_* errors) on an
   * option the command does not take. The result runs the command.
   */
  parse(argv: string[]): { help: boolean; json: boolean; run: () => Promise<CliResult> };
}

export function cliCommand<const Options extends ParseArgsOptionsConfig>(definition: {
  words: string;
  usage: string;
  options: Options;
  run: (args: CliArgs<Options>) => Promise<CliResult>;
}): CliCommand {
  return {
    words: definition.words.split(' '),
    usage: definition.usage,
    parse: (argv) => {
      const { values, positionals } = parseArgs<{ args: string[]; options: typeof COMMON & Options; allowPositionals: true; strict: true }>({
        args: argv,
        options: { ...COMMON, ...definition.options },
        allowPositionals: true,
        strict: true,
      });
      // The common options read again on their own: inside this generic function their types cannot flow.
      const common = parseArgs({ args: argv, options: COMMON, allowPositionals: true, strict: false }).values;
      const json = common.json === true;
      return { help: common.help === true, json, run: () => definition.run({ positionals, values, json }) };
    },
  };
}
