// The /op slash command as Discord registers it: one subcommand per /op command, its options
// from the command's own arguments (src/bot/commands/<name>.ts), turned back into the same text
// grammar Slack uses, so src/bot parses both (no command logic twice).
import { Routes, SlashCommandBuilder, type ChatInputCommandInteraction, type Client } from 'discord.js';
import { COMMANDS } from '../../src/bot/command-registry.ts';

export function opCommand() {
  const op = new SlashCommandBuilder().setName('op').setDescription('Operator: start, steer and approve plans');
  for (const command of COMMANDS.values()) {
    op.addSubcommand((subcommand) => {
      subcommand.setName(command.name).setDescription(command.summary);
      // Discord wants required options before optional ones; the text grammar keeps its own order.
      for (const argument of [...command.arguments].sort((a, b) => Number(b.required) - Number(a.required))) {
        if (argument.takes === 'flag') {
          subcommand.addBooleanOption((option) => option.setName(argument.option).setDescription(argument.description).setRequired(false));
        } else if (argument.integer) {
          subcommand.addIntegerOption((option) =>
            option.setName(argument.option).setDescription(argument.description).setRequired(argument.required).setMinValue(argument.integer!.min),
          );
        } else {
          subcommand.addStringOption((option) => {
            option.setName(argument.option).setDescription(argument.description).setRequired(argument.required);
            if (argument.choices) option.addChoices(...argument.choices.map((choice) => ({ name: choice, value: choice })));
            return option;
          });
        }
      }
      return subcommand;
    });
  }
  return op.toJSON();
}

/** The subcommand and its options as /op text, in the command's grammar order. */
export function commandText(interaction: ChatInputCommandInteraction): string {
  const name = interaction.options.getSubcommand();
  const values = (COMMANDS.get(name)?.arguments ?? [])
    .map((argument) => {
      const value = interaction.options.get(argument.option)?.value;
      return argument.takes === 'flag' ? (value === true ? `--${argument.option}` : undefined) : value;
    })
    .filter((value) => value !== undefined && value !== null);
  return [name, ...values.map(String)].join(' ');
}

/** Registers /op (guild commands when a guild is given, else global). */
export async function registerCommands(client: Pick<Client, 'rest'>, applicationId: string, guildId?: string): Promise<void> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await client.rest.put(route, { body: [opCommand()] });
}
