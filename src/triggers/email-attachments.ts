// A triggering e-mail's attachments (a supplier's PDF invoice) kept as files of the plan it
// starts: under DATA_DIR/attachments/<sha256>/<name>, named by their content, so keeping the same
// message twice (a retry after a crash, a copy in another folder) writes nothing new, and a file
// is never half-written (written aside, then renamed into place). They are bookkeeping records
// and follow that retention class (src/memory/retention.ts): the sweep removes them after it.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Attachment } from 'mailparser';
import { z } from 'zod';
import { RETENTION_CLASSES } from '../memory/retention.ts';

export const KeptAttachment = z.object({
  filename: z.string(),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** Relative to DATA_DIR, as the e-mail action's attachments are (src/actions/email.ts). */
  path: z.string(),
});
export type KeptAttachment = z.infer<typeof KeptAttachment>;

const FOLDER = 'attachments';

/** A file name that stays inside its folder and means the same on every file system. */
function safeName(filename: string | undefined, index: number): string {
  const base = path.basename((filename ?? '').replace(/\\/g, '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_').replace(/^\.+/, '').slice(-120);
  return base || `attachment-${index + 1}`;
}

/** The message's attachments (not its inline images), each with where it is kept. */
export function attachmentsOf(attachments: readonly Attachment[]): { kept: KeptAttachment; content: Buffer }[] {
  // Images a HTML body shows inline (cid: links) are part of the text, not documents sent along.
  return attachments
    .filter((attachment) => !attachment.related)
    .map((attachment, index) => {
      const sha256 = createHash('sha256').update(attachment.content).digest('hex');
      const name = safeName(attachment.filename, index);
      const kept = { filename: attachment.filename ?? name, contentType: attachment.contentType, bytes: attachment.content.length, sha256, path: path.join(FOLDER, sha256, name) };
      return { kept, content: attachment.content };
    });
}

/** Writes each attachment where attachmentsOf said it is kept; one already there is written again whole. */
export async function writeAttachments(dataDir: string, attachments: readonly { kept: KeptAttachment; content: Buffer }[]): Promise<void> {
  for (const { kept, content } of attachments) {
    const file = path.join(dataDir, kept.path);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const aside = `${file}.${process.pid}.partial`;
    await fs.writeFile(aside, content);
    await fs.rename(aside, file);
  }
}

/** Removes kept attachments older than the record retention class; returns how many folders went. */
export async function sweepAttachments(dataDir: string, now: Date): Promise<number> {
  const keepMs = RETENTION_CLASSES.record;
  const root = path.join(dataDir, FOLDER);
  const folders = await fs.readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const folder of folders) {
    const stat = await fs.stat(path.join(root, folder));
    if (now.getTime() - stat.mtimeMs <= keepMs) continue;
    await fs.rm(path.join(root, folder), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
