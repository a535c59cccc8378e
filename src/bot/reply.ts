import type { Message } from './messages.ts';

export interface Reply {
  message: Message;
  /** ephemeral: only the person who asked sees it; thread: everyone in the plan's thread. */
  visibility: 'ephemeral' | 'thread';
}

export const ephemeral = (text: string, title?: string): Reply => ({ message: { title, text }, visibility: 'ephemeral' });
