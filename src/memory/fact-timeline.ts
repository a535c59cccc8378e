// How one attribute of one entity changed over time, from the facts memories state about it: a
// run of memories saying the same value is one period (from the first of them), the next value
// ends it. The newest period is current, with two exceptions the plan that needs the value must
// ask about: the value before it was stated within a minute of it (one import or one e-mail
// saying two things: time cannot tell which is current), or the newest value is one that had
// been replaced before (it changed back, or a stale copy was written: only a person knows).
import type { FactRow } from '../store/entities.ts';
import { sameValue } from './facts.ts';

export const CONFLICT_WINDOW_MS = 60_000;

export interface FactPeriod {
  value: string;
  from: Date;
  /** When the next value took over; null for the newest period. */
  until: Date | null;
  /** The memories that state this value in this period, oldest first. */
  recordIds: string[];
  /** When the value was last stated in this period. */
  lastStated: Date;
}

export type FactStanding =
  | { status: 'unknown' }
  | { status: 'known'; current: FactPeriod; replaced: FactPeriod | null }
  | { status: 'conflict'; candidates: FactPeriod[] };

/** Periods oldest first, for facts of one entity and attribute in any order. */
export function periodsOf(facts: FactRow[]): FactPeriod[] {
  const sorted = [...facts].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime() || a.id.localeCompare(b.id));
  const periods: FactPeriod[] = [];
  for (const fact of sorted) {
    const last = periods.at(-1);
    if (last && sameValue(last.value, fact.value)) {
      last.recordIds.push(fact.recordId);
      last.lastStated = fact.validFrom;
      continue;
    }
    if (last) last.until = fact.validFrom;
    periods.push({ value: fact.value, from: fact.validFrom, until: null, recordIds: [fact.recordId], lastStated: fact.validFrom });
  }
  return periods;
}

export function standingOf(facts: FactRow[]): FactStanding {
  const periods = periodsOf(facts);
  const current = periods.at(-1);
  if (!current) return { status: 'unknown' };
  const previous = periods.at(-2) ?? null;
  const simultaneous = previous && current.from.getTime() - previous.lastStated.getTime() < CONFLICT_WINDOW_MS;
  const cameBack = periods.slice(0, -2).some((period) => sameValue(period.value, current.value));
  if (previous && (simultaneous || cameBack)) {
    return { status: 'conflict', candidates: [current, previous] };
  }
  return { status: 'known', current, replaced: previous };
}
