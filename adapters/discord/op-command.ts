// The /op slash command as Discord registers it: one subcommand per /op command, turned back
// into the same text grammar Slack uses, so src/bot parses both (no command logic twice).
import { SlashCommandBuilder, type ChatInputCommandInteraction, type SlashCommandStringOption } from 'discord.js';
import { COMMANDS } from '../../src/bot/commands.ts';

const plan = (required = true) => (option: SlashCommandStringOption) =>
  option.setName('plan').setDescription('plan id, e.g. p1a2b3c4d5').setRequired(required);
const reason = (option: SlashCommandStringOption) => option.setName('reason').setDescription('why (kept in the audit trail)');

export function opCommand() {
  const command = new SlashCommandBuilder().setName('op').setDescription('Operator: start, steer and approve plans');
  command
    .addSubcommand((s) => s.setName('help').setDescription(COMMANDS.help.summary))
    .addSubcommand((s) => s.setName('workflows').setDescription(COMMANDS.workflows.summary))
    .addSubcommand((s) => s.setName('digest').setDescription(COMMANDS.digest.summary))
    .addSubcommand((s) =>
      s
        .setName('start')
        .setDescription(COMMANDS.start.summary)
        .addStringOption((o) => o.setName('workflow').setDescription('workflow name, e.g. supplier-payment').setRequired(true))
        .addStringOption((o) => o.setName('input').setDescription('key=value ... or free text')),
    )
    .addSubcommand((s) => s.setName('status').setDescription(COMMANDS.status.summary).addStringOption(plan(false)))
    .addSubcommand((s) =>
      s
        .setName('list')
        .setDescription(COMMANDS.list.summary)
        .addStringOption((o) => o.setName('scope').setDescription('which plans').addChoices({ name: 'waiting', value: 'waiting' }, { name: 'mine', value: 'mine' }, { name: 'all', value: 'all' })),
    );
  for (const name of ['approve', 'deny', 'cancel'] as const) {
    command.addSubcommand((s) => s.setName(name).setDescription(COMMANDS[name].summary).addStringOption(plan()).addStringOption(reason));
  }
  for (const name of ['retry', 'skip', 'abort', 'audit'] as const) {
    command.addSubcommand((s) => s.setName(name).setDescription(COMMANDS[name].summary).addStringOption(plan()));
  }
  command
    .addSubcommand((s) =>
      s.setName('remember').setDescription(COMMANDS.remember.summary).addStringOption((o) => o.setName('text').setDescription('what to remember').setRequired(true)),
    )
    .addSubcommand((s) =>
      s.setName('recall').setDescription(COMMANDS.recall.summary).addStringOption((o) => o.setName('question').setDescription('what to look up').setRequired(true)),
    )
    .addSubcommand((s) =>
      s.setName('forget').setDescription(COMMANDS.forget.summary).addStringOption((o) => o.setName('memory').setDescription('memory id, e.g. m1a2b3c4d5').setRequired(true)),
    );
  command.addSubcommand((s) =>
    s
      .setName('rollback')
      .setDescription(COMMANDS.rollback.summary)
      .addStringOption(plan())
      .addIntegerOption((o) => o.setName('version').setDescription('the version to restore').setRequired(true).setMinValue(1)),
  );
  return command.toJSON();
}

/** Options in grammar order: every subcommand has only the ones it uses. */
const ORDER = ['workflow', 'plan', 'version', 'scope', 'input', 'reason', 'text', 'question', 'memory'];

export function commandText(interaction: ChatInputCommandInteraction): string {
  const values = ORDER.map((name) => interaction.options.get(name)?.value).filter((value) => value !== undefined && value !== null);
  return [interaction.options.getSubcommand(), ...values.map(String)].join(' ');
}
