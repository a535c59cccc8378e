import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { ephemeral } from '../reply.ts';

export const command = defineCommand({
  name: 'digest',
  usage: '/op digest',
  summary: 'post the digest in this channel now',
  readOnly: false,
  arguments: [],
  schema: z.object({}),
  async run({ postDigest, actor, channel }) {
    if (!postDigest) return ephemeral('The digest is not available in this process.');
    await postDigest({ platform: actor.platform, channel });
    return ephemeral('Posting the digest in this channel now.');
  },
});
