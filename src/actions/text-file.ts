// Writes a text document (a draft, a published article) under DATA_DIR/<folder>, once per
// idempotency key. The workflow names the file; if a different document already has that name,
// the step stops and says so rather than overwrite it. Compensation withdraws the file into
// <folder>/withdrawn, where the operator can still read it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NonRetryableError } from '../conductor/retry.ts';
import type { ActionExecutor } from '../conductor/workflow.ts';
import { createOnce } from './files.ts';

const TextDocument = z.object({
  fileName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a plain file name (letters, digits, ".", "_", "-")'),
  content: z.string(),
});
type TextDocument = z.infer<typeof TextDocument>;

const TextFileWritten = z.object({ file: z.string(), alreadyWritten: z.boolean() });

export function textFile(folder: string): ActionExecutor<TextDocument, z.infer<typeof TextFileWritten>> {
  return {
    name: `text-file:${folder}`,
    input: TextDocument,
    output: TextFileWritten,
    async perform({ fileName, content }, { dataDir }) {
      const file = path.join(dataDir, folder, fileName);
      const created = await createOnce(file, content);
      if (!created && (await fs.readFile(file, 'utf8')) !== content) {
        throw new NonRetryableError(`${path.join(folder, fileName)} already holds a different document; withdraw it or choose another title, then retry`);
      }
      return { file: path.relative(dataDir, file), alreadyWritten: !created };
    },
    preview: ({ fileName, content }) => ({
      says: `write ${path.join(folder, fileName)} (${content.length.toLocaleString('en')} characters)`,
      output: { file: path.join(folder, fileName), alreadyWritten: false },
    }),
    async compensate({ fileName }, _result, { dataDir }) {
      const withdrawn = path.join(dataDir, folder, 'withdrawn');
      await fs.mkdir(withdrawn, { recursive: true });
      await fs.rename(path.join(dataDir, folder, fileName), path.join(withdrawn, fileName)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
