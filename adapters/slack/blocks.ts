// Neutral messages as Slack Block Kit.
import type { types } from '@slack/bolt';
import { buttonId, buttonValue, formatTokens, formId, type Form, type Message, type StepState } from '../../src/bot/messages.ts';

const STEP_ICON: Record<StepState, string> = {
  pending: ':white_circle:',
  waiting: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  skipped: ':fast_forward:',
  failed: ':x:',
  undone: ':leftwards_arrow_with_hook:',
};

/** <@U123> for Slack users, names for everyone else; dates in the reader's own time zone. */
export function slackText(text: string): string {
  return formatTokens(text, {
    user: (platform, id) => (platform === 'slack' ? `<@${id}>` : `${platform}:${id}`),
    time: (date) => `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${date.toISOString()}>`,
  });
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const bar = (done: number, total: number) => {
  const filled = total === 0 ? 10 : Math.round((10 * done) / total);
  return `${'▓'.repeat(filled)}${'░'.repeat(10 - filled)}`;
};

export type Block = Record<string, unknown>;

export function toSlack(message: Message): { text: string; blocks: Block[] } {
  const blocks: Block[] = [];
  const context = (text: string) => blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(slackText(text), 3000) }] });
  if (message.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: clip(message.title, 150) } });
  if (message.text) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(slackText(message.text), 3000) } });
  if (message.fields?.length) {
    blocks.push({ type: 'section', fields: message.fields.slice(0, 10).map((f) => ({ type: 'mrkdwn', text: clip(`*${f.label}*\n${slackText(f.value)}`, 2000) })) });
  }
  if (message.steps?.length) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(message.steps.map((s) => `${STEP_ICON[s.state]} ${s.title}`).join('\n'), 3000) } });
  }
  if (message.progress) context(`${bar(message.progress.done, message.progress.total)} ${message.progress.done}/${message.progress.total} steps`);
  // One actions block per plan: Slack wants action ids unique within a block, and a digest
  // shows the buttons of several plans.
  const plans = [...new Set(message.buttons?.map((b) => b.planId))];
  for (const [i, planId] of plans.entries()) {
    blocks.push({
      type: 'actions',
      block_id: i === 0 ? 'op_buttons' : `op_buttons_${planId}`,
      elements: message.buttons!.filter((b) => b.planId === planId).map((b) => ({
        type: 'button',
        action_id: buttonId(b.action),
        value: buttonValue(b),
        text: { type: 'plain_text', text: b.label },
        ...(b.style ? { style: b.style } : {}),
      })),
    });
  }
  if (message.citations?.length) context(message.citations.map((c) => `[${c.index}] ${c.url ? `<${c.url}|${c.label}>` : c.label}`).join('  '));
  if (message.footer) context(message.footer);
  const text = slackText([message.title, message.text].filter(Boolean).join(': '));
  return { text: clip(text, 3000), blocks };
}

/** The block id of a form field's input block, and the action id of its text input. */
export const FIELD_ACTION = 'value';

/** A form as a Slack modal (views.open): one input block per field, named by the field. */
export function toSlackModal(form: Form): types.ModalView {
  return {
    type: 'modal',
    callback_id: formId(form.kind),
    private_metadata: buttonValue(form),
    title: { type: 'plain_text', text: clip(form.title, 24) },
    submit: { type: 'plain_text', text: clip(form.submitLabel, 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: form.fields.map((field) => ({
      type: 'input',
      block_id: field.name,
      optional: field.optional ?? false,
      label: { type: 'plain_text', text: clip(field.label, 2000) },
      element: { type: 'plain_text_input', action_id: FIELD_ACTION, multiline: field.multiline ?? false, ...(field.maxLength ? { max_length: field.maxLength } : {}), ...(field.value ? { initial_value: field.value } : {}) },
    })),
  };
}
