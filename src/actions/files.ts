// Files that appear whole and at most once, for executors that must be idempotent per key.
import fs from 'node:fs/promises';
import path from 'node:path';

/** An idempotency key as a file name (plan ids and step keys are safe; ":" is not everywhere). */
export const safeFileName = (key: string) => key.replace(/[^A-Za-z0-9._-]/g, '_');

/** Half-written files from a process killed mid-write are older than this and safe to remove. */
const STALE_TEMPORARY_MS = 10 * 60_000;

async function removeStaleTemporaries(incoming: string): Promise<void> {
  for (const name of await fs.readdir(incoming)) {
    const file = path.join(incoming, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > STALE_TEMPORARY_MS) await fs.rm(file, { force: true });
  }
}

/**
 * Writes content to file unless it exists; true when this call created it. Written aside and
 * linked into place (the link fails if the file exists), so a reader never sees half a file.
 */
export async function createOnce(file: string, content: string | Buffer): Promise<boolean> {
  const incoming = path.join(path.dirname(file), '.incoming');
  await fs.mkdir(incoming, { recursive: true });
  await removeStaleTemporaries(incoming);
  const temporary = path.join(incoming, `${path.basename(file)}.${process.pid}.${Date.now()}`);
  await fs.writeFile(temporary, content, { flush: true });
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** Writes content to file, replacing it whole (rename is atomic). */
export async function replaceFile(file: string, content: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temporary, content, { flush: true });
  await fs.rename(temporary, file);
}
