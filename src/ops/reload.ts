// Credentials rotate without a restart: on SIGHUP, and when OPERATOR_ENV_FILE changes, the
// settings are read again through loadConfig (the file's KEY=value lines over the process
// environment) and the new Slack and Discord tokens, the signing secret and the operator lists
// are applied to the running adapters and bot. A file that does not load keeps the old settings
// and the log says what is wrong with it.
import fs from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { Rounds } from '../core/rounds.ts';

/** The settings applied while running; any other change waits for a restart. */
export const RELOADABLE = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN',
  'OPERATOR_SLACK_USER_IDS',
  'OPERATOR_DISCORD_USER_IDS',
  'OPERATOR_DISCORD_ROLE_ID',
] as const satisfies readonly (keyof Config)[];

/** How often the file's modification time is checked (editors replace files, so fs.watch would miss some). */
const WATCH_INTERVAL_MS = 500;

/** KEY=value lines; blank lines and # comments skipped; `export ` and surrounding quotes allowed. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`line ${index + 1} is not KEY=value`);
    const value = match[2]!;
    values[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return values;
}

/** The process environment with OPERATOR_ENV_FILE's settings on top (the file wins: it is what rotates). */
export function environmentWithFile(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = env.OPERATOR_ENV_FILE;
  if (!file) return env;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`OPERATOR_ENV_FILE is "${file}", which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): create it or unset OPERATOR_ENV_FILE`);
  }
  try {
    return { ...env, ...parseEnvFile(text) };
  } catch (error) {
    throw new ConfigError(`OPERATOR_ENV_FILE ${file}: ${(error as Error).message}; write one KEY=value per line`);
  }
}

export interface CredentialTargets {
  slack: { updateCredentials(credentials: { botToken: string; signingSecret?: string }): Promise<void> } | null;
  discord: { updateCredentials(credentials: { token: string }): Promise<void> } | null;
  /** Who may operate, read again from the new settings. */
  operators: { reloadFrom(config: Config): void };
}

export interface SettingsReloader {
  /** Reads the settings again and applies them; false (old settings kept) when they do not load. */
  reload(): Promise<boolean>;
  /**
   * The file watcher's looks at OPERATOR_ENV_FILE: one each time its status changed (a touch
   * counts), finished once the file was found unchanged in content or reloaded.
   */
  fileChecks: Rounds;
  stop(): void;
}

export function watchSettings(options: { current: Config; targets: CredentialTargets; logger: Logger; env?: NodeJS.ProcessEnv }): SettingsReloader {
  const log = options.logger.child({ component: 'reload' });
  let current = options.current;
  let queue = Promise.resolve(true);

  async function apply(next: Config): Promise<void> {
    const { slack, discord, operators } = options.targets;
    operators.reloadFrom(next);
    if (slack && next.SLACK_BOT_TOKEN) await slack.updateCredentials({ botToken: next.SLACK_BOT_TOKEN, signingSecret: next.SLACK_SIGNING_SECRET });
    if (discord && next.DISCORD_TOKEN) await discord.updateCredentials({ token: next.DISCORD_TOKEN });
    const adapterOf: Partial<Record<keyof Config, unknown>> = { SLACK_BOT_TOKEN: slack, SLACK_SIGNING_SECRET: slack, DISCORD_TOKEN: discord };
    // A reloadable setting of an adapter that is not running (Slack or Discord switched on) needs a restart too.
    const live = (key: keyof Config) => (RELOADABLE as readonly string[]).includes(key) && adapterOf[key] !== null;
    const changed = (Object.keys(next) as (keyof Config)[]).filter((key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]));
    const applied = changed.filter(live);
    const later = changed.filter((key) => !live(key));
    log.info({ applied }, applied.length ? 'reloaded settings applied' : 'settings reloaded; nothing to change');
    if (later.length) log.warn({ settings: later }, 'these changed settings take effect after a restart');
    current = next;
  }

  const env = options.env ?? process.env;
  const file = env.OPERATOR_ENV_FILE ?? current.OPERATOR_ENV_FILE;

  async function reloadOnce(): Promise<boolean> {
    if (!file) {
      // A running process's environment cannot change: without the file there is nothing new to read.
      log.warn('OPERATOR_ENV_FILE is not set: nothing to reload (set it to rotate credentials without a restart)');
      return false;
    }
    let next: Config;
    try {
      next = loadConfig(environmentWithFile({ ...env, OPERATOR_ENV_FILE: file }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log.error({ problems: error.message }, 'the reloaded settings are not valid; the running settings stay in force');
      return false;
    }
    try {
      await apply(next);
      return true;
    } catch (error) {
      log.error({ err: error }, 'the reloaded settings could not all be applied; see the error, fix it and reload again');
      return false;
    }
  }

  const reload = () => (queue = queue.then(reloadOnce, reloadOnce));
  const onSignal = () => void reload();
  process.on('SIGHUP', onSignal);
  const fileChecks = new Rounds();
  const onChange = (now: fs.Stats, before: fs.Stats) =>
    void fileChecks.run(() => (now.mtime.getTime() !== before.mtime.getTime() || now.size !== before.size ? reload() : false));
  if (file) fs.watchFile(file, { interval: WATCH_INTERVAL_MS, persistent: false }, onChange);
  return {
    reload,
    fileChecks,
    stop: () => {
      process.off('SIGHUP', onSignal);
      if (file) fs.unwatchFile(file, onChange);
    },
  };
}
