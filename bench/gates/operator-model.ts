// The simulated operator of the gate bench: when they read chat, when they are away, how fast a
// direct message or an e-mail reaches them, how long a decision takes. Every number is an
// assumption, named here once (MODEL) and repeated in the README; the bench's figures are only
// as good as they are. The model knows nothing of the phase: it reacts to the notices the real
// conductor wrote (a prompt, a thread reminder, an escalation's direct message or e-mail).
import { MINUTE, randomFor } from './random.ts';

const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const MODEL = {
  /** At the desk on every day of the run (no weekends), except for away stretches. */
  desk: { from: 9 * HOUR, to: 18 * HOUR },
  /** Client calls, deep work, errands: stretches of a working day with no chat at all. */
  awayStretchesPerDay: 2,
  awayMinutes: [60, 180] as const,
  /** Awake (e-mail and direct messages on the phone reach them) outside the desk hours too. */
  awake: { from: 7 * HOUR, to: 22 * HOUR },
  /** At the desk the channel is read every 20 to 60 minutes, and on coming back from away. */
  chatEveryMinutes: [20, 60] as const,
  /** A prompt first seen in the channel is dealt with then with this chance, else put off ("later"). */
  handleNewPrompt: 0.7,
  /** A thread reminder brings a prompt back; dealt with then with this chance, else put off again. */
  handleReminded: 0.9,
  /** The first read of the day scrolls back: each prompt put off before is dealt with at this chance. */
  handleAtMorningScrollBack: 0.5,
  /** Mean minutes until a direct message is read: at the desk, away in working hours, awake off hours. */
  directMessageMeanMinutes: { desk: 5, away: 30, offHours: 90 },
  /** Mean minutes until an e-mail is read while awake (asleep: after waking). */
  emailMeanMinutes: 45,
  /** Reading a prompt and deciding it (approve, deny, answer). */
  decideMinutes: [1, 4] as const,
  /** Filling in Edit's form on top of deciding. */
  editMinutes: [2, 5] as const,
  /** Before Edit: denying, then typing the corrected request again as a new plan. */
  retypeMinutes: [3, 8] as const,
  /**
   * A prompt that follows the operator's own move (the re-typed plan's approval; the question an
   * edited plan asks again) is in front of them: looked at this soon after it appears, then decided.
   */
  inFrontMinutes: [1, 3] as const,
  /** Invoice approvals whose value is nearly right: the operator changes the rate. */
  needsChangeShare: 0.25,
} as const;

type Where = 'desk' | 'away' | 'off' | 'asleep';

/** What the operator is about to do: look at the gate of a plan at a time. */
export interface Intent {
  at: number;
  scenarioId: string;
}

export class SimulatedOperator {
  readonly #seed: number;
  /** Per day: the away stretches [from, to) and the times the channel is read. */
  readonly #days = new Map<number, { away: [number, number][]; reads: number[] }>();
  /** Prompts with something unread in their thread, and prompts seen and put off. */
  readonly #unread = new Map<string, 'prompt' | 'reminder'>();
  readonly #putOff = new Set<string>();
  /** How many times each plan's gate has been looked at: names the draw of each look. */
  readonly #looks = new Map<string, number>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  #day(day: number) {
    let schedule = this.#days.get(day);
    if (!schedule) {
      const random = randomFor(this.#seed, `day:${day}`);
      const start = day * DAY + MODEL.desk.from;
      const end = day * DAY + MODEL.desk.to;
      const away: [number, number][] = [];
      for (let n = 0; n < MODEL.awayStretchesPerDay; n++) {
        const length = random.between(...MODEL.awayMinutes) * MINUTE;
        const from = random.between(start, end - length);
        away.push([from, from + length]);
      }
      away.sort((a, b) => a[0] - b[0]);
      const reads: number[] = [];
      for (let t = start; t < end; t += random.between(...MODEL.chatEveryMinutes) * MINUTE) {
        const stretch = away.find(([from, to]) => t >= from && t < to);
        if (stretch) t = stretch[1]; // the first thing on coming back
        if (t < end) reads.push(t);
      }
      schedule = { away, reads: [...new Set(reads)] };
      this.#days.set(day, schedule);
    }
    return schedule;
  }

  where(t: number): Where {
    const day = Math.floor(t / DAY);
    const time = t - day * DAY;
    if (time < MODEL.awake.from || time >= MODEL.awake.to) return 'asleep';
    if (time < MODEL.desk.from || time >= MODEL.desk.to) return 'off';
    return this.#day(day).away.some(([from, to]) => t >= from && t < to) ? 'away' : 'desk';
  }

  /** The next time after t the operator reads the channel. */
  nextRead(t: number): number {
    for (let day = Math.floor(t / DAY); ; day++) {
      const read = this.#day(day).reads.find((at) => at > t);
      if (read !== undefined) return read;
    }
  }

  #look(scenarioId: string) {
    const look = (this.#looks.get(scenarioId) ?? 0) + 1;
    this.#looks.set(scenarioId, look);
    return randomFor(this.#seed, `look:${scenarioId}:${look}`);
  }

  /** A new approval prompt or question in a scenario's plan's thread. */
  prompted(scenarioId: string): void {
    this.#unread.set(scenarioId, 'prompt');
    this.#putOff.delete(scenarioId);
  }

  /** A reminder in the thread (the reminder job's, or an escalation's first step). */
  reminded(scenarioId: string): void {
    this.#unread.set(scenarioId, 'reminder');
    this.#putOff.delete(scenarioId);
  }

  /** A direct message or an e-mail: read after a while that depends on where they are, then acted on. */
  escalated(scenarioId: string, via: 'direct' | 'email', t: number): Intent {
    const random = this.#look(scenarioId);
    const where = this.where(t);
    const wake = (from: number) => {
      const day = Math.floor(from / DAY);
      const today = day * DAY + MODEL.awake.from;
      return from < today ? today : today + DAY;
    };
    const start = where === 'asleep' ? wake(t) : t;
    const mean =
      via === 'email'
        ? MODEL.emailMeanMinutes
        : where === 'desk'
          ? MODEL.directMessageMeanMinutes.desk
          : where === 'away'
            ? MODEL.directMessageMeanMinutes.away
            : MODEL.directMessageMeanMinutes.offHours;
    return { at: start + random.exponential(mean) * MINUTE, scenarioId };
  }

  /** A prompt that follows the operator's own move (a decision, a re-typed request) is in front of them. */
  watched(scenarioId: string, t: number): Intent {
    this.#unread.delete(scenarioId);
    return { at: t + this.#look(scenarioId).between(...MODEL.inFrontMinutes) * MINUTE, scenarioId };
  }

  /** Reading the channel at t: the gates dealt with now, one after another, each taking its time. */
  read(t: number, waiting: ReadonlySet<string>): Intent[] {
    const firstOfDay = this.#day(Math.floor(t / DAY)).reads[0] === t;
    const dealt: string[] = [];
    for (const [scenarioId, what] of [...this.#unread]) {
      this.#unread.delete(scenarioId);
      if (!waiting.has(scenarioId)) continue;
      if (this.#look(scenarioId).next() < (what === 'prompt' ? MODEL.handleNewPrompt : MODEL.handleReminded)) dealt.push(scenarioId);
      else this.#putOff.add(scenarioId);
    }
    if (firstOfDay) {
      for (const scenarioId of [...this.#putOff]) {
        if (!waiting.has(scenarioId)) this.#putOff.delete(scenarioId);
        else if (this.#look(scenarioId).next() < MODEL.handleAtMorningScrollBack) dealt.push(scenarioId);
      }
    }
    for (const scenarioId of dealt) this.#putOff.delete(scenarioId);
    return dealt.map((scenarioId) => ({ at: t, scenarioId }));
  }

  /** Minutes the operator spends deciding a gate (and on Edit's form, when they change a value). */
  decideMinutes(scenarioId: string, editing: boolean): number {
    const random = this.#look(scenarioId);
    return random.between(...MODEL.decideMinutes) + (editing ? random.between(...MODEL.editMinutes) : 0);
  }

  retypeMinutes(scenarioId: string): number {
    return this.#look(scenarioId).between(...MODEL.retypeMinutes);
  }
}
