// A value read from a request, with what it rests on. Every value that reaches an action is one
// of these: grounded in a span of the source text (checked, not trusted), taken from a memory
// citation, or given by the operator. A reading that is none of these is a guess, and a guess
// becomes a question, never an action.
import { z } from 'zod';

/** The exact characters of the source a value was read from: `source.slice(start, end) === text`. */
export const Span = z.object({ text: z.string(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type Span = z.infer<typeof Span>;

export const Evidence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('span'), span: Span }),
  /** A recalled memory, by its citation number in the plan's recall. */
  z.object({ kind: z.literal('memory'), citation: z.number().int(), quote: z.string() }),
  z.object({ kind: z.literal('operator'), answer: z.string() }),
  z.object({ kind: z.literal('none') }),
]);
export type Evidence = z.infer<typeof Evidence>;

export const Via = z.enum(['rules', 'model', 'memory', 'operator', 'input']);
export type Via = z.infer<typeof Via>;

/** The schema of a read field whose value has the given schema. */
export function fieldOf<T extends z.ZodType>(value: T) {
  return z.object({ value, evidence: Evidence, confidence: z.number().min(0).max(1), via: Via });
}
export type Field<T> = { value: T; evidence: Evidence; confidence: number; via: Via };

/** Confidence at or above which a grounded value may reach an action without being shown first. */
export const ACT_WITHOUT_ASKING = 0.9;

export function spanAt(source: string, start: number, end: number): Span {
  return { text: source.slice(start, end), start, end };
}

/** The deterministic check behind "grounded": the span is really there in the source. */
export function spanHolds(source: string, span: Span): boolean {
  return span.end > span.start && source.slice(span.start, span.end) === span.text;
}

/** A field may reach an action unasked only if its evidence holds and its reader is sure enough. */
export function actionable(source: string, field: Field<unknown>): boolean {
  switch (field.evidence.kind) {
    case 'span':
      return spanHolds(source, field.evidence.span) && field.confidence >= ACT_WITHOUT_ASKING;
    case 'memory':
      return field.confidence >= ACT_WITHOUT_ASKING;
    case 'operator':
      return true;
    case 'none':
      return false;
  }
}
