// Writes a JSON document into a folder under DATA_DIR, once per idempotency key: a re-run after
// a crash finds the file and returns what was written, instead of writing again.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActionExecutor } from '../conductor/workflow.ts';

export const FileDropResult = z.object({ file: z.string(), alreadyWritten: z.boolean() });
export type FileDropResult = z.infer<typeof FileDropResult>;

const fileNameFor = (key: string) => `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

/** Half-written files from a process killed mid-write are older than this and safe to remove. */
const STALE_TEMPORARY_MS = 10 * 60_000;

async function removeStaleTemporaries(incoming: string): Promise<void> {
  for (const name of await fs.readdir(incoming)) {
    const file = path.join(incoming, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > STALE_TEMPORARY_MS) await fs.rm(file, { force: true });
  }
}

export function fileDrop<In extends Record<string, unknown>>(folder: string, input: z.ZodType<In>): ActionExecutor<In, FileDropResult> {
  return {
    name: `file-drop:${folder}`,
    input,
    output: FileDropResult,
    async perform(value, { idempotencyKey, dataDir }) {
      const dir = path.join(dataDir, folder);
      const file = path.join(dir, fileNameFor(idempotencyKey));
      const incoming = path.join(dir, '.incoming');
      await fs.mkdir(incoming, { recursive: true });
      await removeStaleTemporaries(incoming);
      // Write aside, then link into place: the link fails if the file exists, so the document
      // appears whole and at most once.
      const temporary = path.join(incoming, `${path.basename(file)}.${process.pid}.${Date.now()}`);
      await fs.writeFile(temporary, JSON.stringify({ idempotencyKey, ...value }, null, 2), { flush: true });
      try {
        await fs.link(temporary, file);
        return { file: path.relative(dataDir, file), alreadyWritten: false };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return { file: path.relative(dataDir, file), alreadyWritten: true };
      } finally {
        await fs.rm(temporary, { force: true });
      }
    },
    async compensate(_value, _result, { idempotencyKey, dataDir }) {
      // Moved aside rather than deleted, so the operator can still see what was withdrawn.
      const file = path.join(dataDir, folder, fileNameFor(idempotencyKey.replace(/:compensate$/, '')));
      const voided = path.join(dataDir, folder, 'voided');
      await fs.mkdir(voided, { recursive: true });
      await fs.rename(file, path.join(voided, path.basename(file))).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
