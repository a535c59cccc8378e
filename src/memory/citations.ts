// A memory record as a citation: numbered in the order shown, a short snippet, and the link back
// to where it was said (a chat permalink, or the plan step that wrote it).
import type { Citation } from '../core/services.ts';
import type { MemoryRow } from '../store/memory.ts';

const SNIPPET_CHARS = 280;

export function citationOf(row: MemoryRow, n: number, score: number): Citation {
  return {
    n,
    recordId: row.id,
    kind: row.kind,
    snippet: row.text.length > SNIPPET_CHARS ? `${row.text.slice(0, SNIPPET_CHARS - 1)}…` : row.text,
    source: row.source,
    link: row.link ?? (row.planId ? `plan:${row.planId}#${row.stepKey ?? ''}` : null),
    score: Number(score.toFixed(4)),
  };
}
