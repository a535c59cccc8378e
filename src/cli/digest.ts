// `op digest`: print the digest (--dry-run) or queue one for the configured channels now.
import { budgetCaps } from '../config/config.ts';
import { formatTokens, type Message } from '../bot/messages.ts';
import { buildDigest, digestJson } from '../digest/digest.ts';
import { digestMessage } from '../digest/message.ts';
import { postDigestNow } from '../digest/scheduler.ts';
import { withStore } from './open.ts';
import { usageError } from './usage.ts';

export function runDigest(args: { dryRun: boolean; json: boolean }): Promise<string | object> {
  return withStore(async (store, config) => {
    if (args.dryRun) {
      const digest = await buildDigest(store, { timeZone: config.DIGEST_TZ, budgets: budgetCaps(config) });
      return args.json ? digestJson(digest) : plainText(digestMessage(digest));
    }
    const targets = [
      ...(config.DIGEST_SLACK_CHANNEL ? [{ platform: 'slack', channel: config.DIGEST_SLACK_CHANNEL }] : []),
      ...(config.DIGEST_DISCORD_CHANNEL ? [{ platform: 'discord', channel: config.DIGEST_DISCORD_CHANNEL }] : []),
    ];
    if (targets.length === 0) throw usageError('op digest has no channel to post to.', 'Set DIGEST_SLACK_CHANNEL and/or DIGEST_DISCORD_CHANNEL, or print it: op digest --dry-run [--json]');
    for (const target of targets) await postDigestNow(store, { timeZone: config.DIGEST_TZ, budgets: budgetCaps(config) }, target);
    const posted = targets.map((t) => `${t.platform}:${t.channel}`).join(', ');
    return args.json ? { posted: targets } : `digest queued for ${posted}; the running service posts it`;
  });
}

/** A neutral message for the terminal: mentions as names, times in UTC. */
function plainText(message: Message): string {
  const tokens = (text: string) => formatTokens(text, { user: (platform, id) => `${platform}:${id}`, time: (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` });
  return [message.title, tokens(message.text).replace(/\*/g, ''), ...(message.fields ?? []).map((f) => `${f.label}: ${tokens(f.value)}`)].filter(Boolean).join('\n');
}
