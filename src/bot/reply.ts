import type { Form, Message } from './messages.ts';

export interface Reply {
  message: Message;
  /** ephemeral: only the person who asked sees it; thread: everyone in the plan's thread. */
  visibility: 'ephemeral' | 'thread';
  /** A form to open for the person who clicked (Edit, Deny); message says what it is for, or how to do without it. */
  form?: Form;
  /** A submitted form's values that do not fit, by field name: shown in the form. */
  formErrors?: Record<string, string>;
}

export const ephemeral = (text: string, title?: string): Reply => ({ message: { title, text }, visibility: 'ephemeral' });
