// Writes a JSON document into a folder under DATA_DIR, once per idempotency key: a re-run after
// a crash finds the file and returns what was written, instead of writing again.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActionExecutor } from '../conductor/workflow.ts';
import { createOnce, safeFileName } from './files.ts';

export const FileDropResult = z.object({ file: z.string(), alreadyWritten: z.boolean() });
export type FileDropResult = z.infer<typeof FileDropResult>;

const fileNameFor = (key: string) => `${safeFileName(key)}.json`;

export function fileDrop<In extends Record<string, unknown>>(folder: string, input: z.ZodType<In>): ActionExecutor<In, FileDropResult> {
  return {
    name: `file-drop:${folder}`,
    input,
    output: FileDropResult,
    async perform(value, { idempotencyKey, dataDir }) {
      const file = path.join(dataDir, folder, fileNameFor(idempotencyKey));
      const created = await createOnce(file, JSON.stringify({ idempotencyKey, ...value }, null, 2));
      return { file: path.relative(dataDir, file), alreadyWritten: !created };
    },
    preview: (value, { idempotencyKey }) => ({
      says: `write ${path.join(folder, fileNameFor(idempotencyKey))}: ${JSON.stringify(value)}`,
      output: { file: path.join(folder, fileNameFor(idempotencyKey)), alreadyWritten: false },
    }),
    async compensate(_value, _result, { idempotencyKey, dataDir }) {
      // Moved aside rather than deleted, so the operator can still see what was withdrawn.
      const file = path.join(dataDir, folder, fileNameFor(idempotencyKey));
      const voided = path.join(dataDir, folder, 'voided');
      await fs.mkdir(voided, { recursive: true });
      await fs.rename(file, path.join(voided, path.basename(file))).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
