// Neutral messages as Discord embeds and button rows.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type MessageCreateOptions } from 'discord.js';
import { buttonId, buttonValue, formatTokens, formId, type Button, type Form, type Message, type StepState } from '../../src/bot/messages.ts';

const STEP_ICON: Record<StepState, string> = {
  pending: '⚪',
  waiting: '⏳',
  done: '✅',
  skipped: '⏩',
  failed: '❌',
  undone: '↩️',
};

/** <@id> for Discord users, names for everyone else; times in the reader's own time zone. */
export function discordText(text: string): string {
  return formatTokens(text, {
    user: (platform, id) => (platform === 'discord' ? `<@${id}>` : `${platform}:${id}`),
    time: (date) => `<t:${Math.floor(date.getTime() / 1000)}:t>`,
  });
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A button's custom_id carries the action and the plan version it was shown for. */
export const customId = (button: Button) => `${buttonId(button.action)}|${buttonValue(button)}`;

export function parseCustomId(id: string): { actionId: string; value: string } {
  const [actionId = '', value = ''] = id.split('|');
  return { actionId, value };
}

const STYLE = { primary: ButtonStyle.Success, danger: ButtonStyle.Danger } as const;

export function toDiscord(message: Message): Pick<MessageCreateOptions, 'content' | 'embeds' | 'components'> {
  const embed = new EmbedBuilder();
  if (message.title) embed.setTitle(clip(message.title, 256));
  const lines = [message.text && discordText(message.text), message.steps?.map((s) => `${STEP_ICON[s.state]} ${s.title}`).join('\n')];
  const description = lines.filter(Boolean).join('\n\n');
  if (description) embed.setDescription(clip(description, 4096));
  for (const field of message.fields?.slice(0, 25) ?? []) embed.addFields({ name: clip(field.label, 256), value: clip(discordText(field.value), 1024) });
  if (message.citations?.length) {
    embed.addFields({ name: 'Sources', value: clip(message.citations.map((c) => `[${c.index}] ${c.url ? `[${c.label}](${c.url})` : c.label}`).join('\n'), 1024) });
  }
  const footer = [
    message.progress && `${'▓'.repeat(Math.round((10 * message.progress.done) / Math.max(1, message.progress.total)))}${'░'.repeat(10 - Math.round((10 * message.progress.done) / Math.max(1, message.progress.total)))} ${message.progress.done}/${message.progress.total} steps`,
    message.footer && discordText(message.footer),
  ].filter(Boolean);
  // Embed footers show no mentions or timestamps, so the footer goes into the content instead.
  // One row of buttons per plan (a digest shows several plans' buttons).
  const buttons = message.buttons ?? [];
  const rows = [...new Set(buttons.map((b) => b.planId))].map((planId) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      buttons
        .filter((b) => b.planId === planId)
        .map((b) => new ButtonBuilder().setCustomId(customId(b)).setLabel(b.label).setStyle(b.style ? STYLE[b.style] : ButtonStyle.Secondary)),
    ),
  );
  return {
    content: footer.length > 0 ? clip(footer.join('\n'), 2000) : '',
    embeds: [embed],
    components: rows.slice(0, 5),
  };
}

/** A form as a Discord modal: one text input per field (at most five), named by the field; a paragraph for a multiline one. */
export function toDiscordModal(form: Form): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(`${formId(form.kind)}|${buttonValue(form)}`)
    .setTitle(clip(form.title, 45))
    .addComponents(
      form.fields.slice(0, 5).map((field) => {
        const input = new TextInputBuilder().setCustomId(field.name).setLabel(clip(field.label, 45)).setStyle(field.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short).setRequired(!field.optional);
        if (field.maxLength) input.setMaxLength(field.maxLength);
        // An empty field is left unset: Discord's limits for a pre-filled value are 1 to 4000 characters.
        return new ActionRowBuilder<TextInputBuilder>().addComponents(field.value ? input.setValue(field.value) : input);
      }),
    );
}
