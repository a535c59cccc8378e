// Seeded randomness for the gate bench. Every draw comes from a stream named for what it decides
// (a scenario, a day's schedule, the operator's n-th look at a scenario's gate), so the two phases draw the
// same numbers for the same decision whatever else happened in between.
export const MINUTE = 60_000;

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  between(low: number, high: number): number;
  /** Exponentially distributed with this mean. */
  exponential(mean: number): number;
}

/** FNV-1a of the text: the stream's seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32, seeded by the bench's seed and the stream's name. */
export function randomFor(seed: number, stream: string): Random {
  let state = hash(`${seed}:${stream}`);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (low, high) => low + next() * (high - low),
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
}
