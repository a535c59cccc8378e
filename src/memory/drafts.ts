// Turns a remember request into the record to store: PII and secrets redacted before anything is
// embedded, logged or shown, the original sealed when redaction changed it (and keys are set),
// a content hash over the normalised redacted text so the same memory is stored once, and the
// expiry its retention class gives.
import { createHash } from 'node:crypto';
import { OperatorError } from '../core/errors.ts';
import type { RememberRequest, StepScope } from '../core/services.ts';
import { redactText } from '../privacy/redact.ts';
import type { MemoryDraft } from '../store/memory.ts';
import { retentionFor } from './retention.ts';
import type { KeyRing } from './sealing.ts';

export const MAX_MEMORY_CHARS = 4000;
const KINDS = ['fact', 'decision', 'customer_note', 'artifact', 'message'];

export const contentHash = (redacted: string) =>
  createHash('sha256').update(redacted.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex');

export function memoryDraft(request: RememberRequest, options: { scope?: StepScope; keys?: KeyRing | null; now?: Date } = {}): MemoryDraft {
  const original = request.text.trim();
  if (original === '') throw new OperatorError('There is nothing to remember: the text is empty.', 'Write what to remember, e.g. `/op remember Acme pays within 14 days`.');
  if (original.length > MAX_MEMORY_CHARS) {
    throw new OperatorError(`That memory is ${original.length} characters; the limit is ${MAX_MEMORY_CHARS}.`, 'Split it into shorter memories, one fact each.');
  }
  if (!KINDS.includes(request.kind)) throw new OperatorError(`"${request.kind}" is not a kind of memory.`, `Use one of: ${KINDS.join(', ')}.`);
  const text = redactText(original);
  const { retention, expiresAt } = retentionFor(request.kind, request.retention, options.now ?? new Date());
  const { scope } = options;
  return {
    kind: request.kind,
    text,
    sealedOriginal: text !== original && options.keys ? options.keys.seal(original) : null,
    source: request.source,
    link: request.link ?? (scope ? `plan:${scope.planId}#${scope.stepKey}` : null),
    planId: scope?.planId ?? null,
    stepKey: scope?.stepKey ?? null,
    workflow: request.workflow ?? scope?.workflow ?? null,
    tags: request.tags ?? [],
    retention,
    expiresAt,
    contentHash: contentHash(text),
    createdBy: request.createdBy,
  };
}
