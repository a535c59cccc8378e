// `op discord register`: registers /op with Discord, with the options the command files give.
import { REST } from 'discord.js';
import { registerCommands } from '../../adapters/discord/op-command.ts';
import { loadConfig } from '../config/config.ts';
import { usageError } from './usage.ts';

export async function registerDiscordCommand(): Promise<string> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    throw usageError('op discord register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.', 'Set them from the Discord Developer Portal (see README: Connecting Discord).');
  }
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  await registerCommands({ rest }, config.DISCORD_APPLICATION_ID, config.DISCORD_GUILD_ID);
  return config.DISCORD_GUILD_ID ? `registered /op in server ${config.DISCORD_GUILD_ID}` : 'registered /op globally (it can take up to an hour to appear)';
}
