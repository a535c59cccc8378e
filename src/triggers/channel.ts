// Where a triggered plan's card goes, written the same way for every trigger: <platform>:<channel>.
import { z } from 'zod';

export const Channel = z
  .string()
  .regex(/^(slack|discord|local):\S+$/, 'write <platform>:<channel id>, e.g. slack:C0123ABCD');

/** The plan's conversation for a channel setting. */
export function conversationOf(channel: string): { platform: string; channel: string } {
  const [platform, id] = channel.split(/:(.*)/) as [string, string];
  return { platform, channel: id };
}
