// Retention classes: how long a memory is kept before the retention job forgets it (record and
// vector). A remember request may name one; otherwise the kind decides.
import { OperatorError } from '../core/errors.ts';

const DAY_MS = 86_400_000;

export const RETENTION_CLASSES = {
  /** Scratch notes. */
  ephemeral: 7 * DAY_MS,
  /** Chat messages. */
  chat: 90 * DAY_MS,
  /** Facts and customer notes. */
  standard: 2 * 365 * DAY_MS,
  /** Decisions and artifacts: what bookkeeping law asks to keep (seven years). */
  record: 7 * 365 * DAY_MS,
  /** Until forgotten by hand. */
  permanent: null,
} as const satisfies Record<string, number | null>;

export type RetentionClass = keyof typeof RETENTION_CLASSES;

const BY_KIND: Record<string, RetentionClass> = {
  message: 'chat',
  decision: 'record',
  artifact: 'record',
  fact: 'standard',
  customer_note: 'standard',
};

export function retentionFor(kind: string, requested: string | undefined, now: Date): { retention: RetentionClass; expiresAt: Date | null } {
  const retention = (requested ?? BY_KIND[kind] ?? 'standard') as RetentionClass;
  if (!Object.hasOwn(RETENTION_CLASSES, retention)) {
    throw new OperatorError(`"${requested}" is not a retention class.`, `Use one of: ${Object.keys(RETENTION_CLASSES).join(', ')}.`);
  }
  const keepMs = RETENTION_CLASSES[retention];
  return { retention, expiresAt: keepMs === null ? null : new Date(now.getTime() + keepMs) };
}
