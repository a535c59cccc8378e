import type { Service } from '../../../src/service.ts';

/** What an operator does and sees on one chat platform, for the parity scenarios. */
export interface ChatDriver {
  platform: string;
  service: Service;
  operatorId: string;
  strangerId: string;
  /** Types `/op <text>`; resolves with the private (ephemeral) answer. */
  command(text: string, userId?: string): Promise<string>;
  /** The plan card's thread, once the card is posted. */
  threadOf(planId: string): Promise<string>;
  /** Waits until the card shows text (it is edited in place as steps advance). */
  waitForCard(planId: string, text: RegExp): Promise<void>;
  /** Waits for a message in the thread whose text matches; returns its id. */
  waitForThreadMessage(threadId: string, text: RegExp): Promise<string>;
  /** The button value of the newest prompt in the thread that offers action. */
  buttonValue(threadId: string, action: string): Promise<string>;
  /** Clicks a button; resolves with the private answer, if any. */
  click(threadId: string, action: string, value: string, userId?: string): Promise<string | null>;
  /** Writes in the thread. */
  reply(threadId: string, text: string, userId?: string): Promise<void>;
  /**
   * Clicks a button that opens a form (Edit, Deny); resolves with the form's pre-filled fields and a
   * submit that resolves with the errors the form shows (by field), or null when it was accepted.
   */
  openForm(threadId: string, action: string, value: string): Promise<OpenedForm>;
  /** Waits for a direct message from the bot to userId whose text matches; returns its text (with its buttons). */
  waitForDirectMessage(userId: string, text: RegExp): Promise<string>;
  /** Waits until a prompt's buttons were replaced by an outcome matching text. */
  waitForOutcome(threadId: string, text: RegExp): Promise<void>;
  close(): Promise<void>;
}

export interface OpenedForm {
  fields: Record<string, string>;
  /** The most characters each limited field takes, as the platform's form states it (Slack's max_length, Discord's max_length). */
  maxLengths: Record<string, number>;
  submit(values: Record<string, string>): Promise<Record<string, string> | null>;
}

/** Deny as an operator does it: the Deny button's form, submitted with the reason (or none). */
export async function deny(chat: ChatDriver, threadId: string, reason = ''): Promise<Record<string, string> | null> {
  const form = await chat.openForm(threadId, 'deny', await chat.buttonValue(threadId, 'deny'));
  return form.submit({ reason });
}
