// What steps may use besides their inputs: memory recall, model calls and gapless numbers.
// src/core holds the contracts every layer shares and imports nothing of ours: the conductor
// hands these ports to steps, src/memory, src/llm and src/store implement them, and so no folder
// has to import the conductor for a type (which made conductor, llm and memory one import cycle).
// Workflows stay plain code that a test can run with any implementation.
import type { z } from 'zod';
import { directCalls, type DependencyPort } from './dependencies.ts';

/** Where a step runs, for accounting (model cost per plan) and citations. */
export interface StepScope {
  readonly planId: string;
  readonly workflow: string;
  readonly stepKey: string;
}

/** One cited memory: numbered in the order shown, with a link back to where it came from. */
export interface Citation {
  n: number;
  recordId: string;
  kind: string;
  snippet: string;
  source: string;
  link: string | null;
  score: number;
  /** Facts the memory states that changed over time: whether each is still the current value. */
  facts?: CitedFact[];
}

/** A fact a cited memory states (an entity's billing address, VAT ID, ...) and where it stands now. */
export interface CitedFact {
  entity: string;
  attribute: string;
  value: string;
  /** False when a newer memory states another value (then supersededAt says since when). */
  current: boolean;
  since: string;
  supersededAt: string | null;
}

/** One value an entity's attribute had, from when, and the memory that says so. */
export interface FactValue {
  value: string;
  since: string;
  /** When a newer value replaced it; null while it is current. */
  until: string | null;
  citation: Citation;
}

/**
 * What memory knows of one attribute of one entity: nothing; one current value (with the value it
 * replaced, if any); or two values stated so close together that time cannot tell which is
 * current, which the plan that needs it must ask about.
 */
export type FactAnswer =
  | { status: 'unknown'; entity: string | null; attribute: string }
  | { status: 'known'; entity: string; attribute: string; current: FactValue; replaced: FactValue | null }
  | { status: 'conflict'; entity: string; attribute: string; candidates: FactValue[] };

export interface RecallResult {
  query: string;
  citations: Citation[];
  /** True when Chroma was unreachable and the keyword search over the records answered. */
  degraded: boolean;
  /** With a model configured and an answer asked for: a few sentences written only from the citations. */
  answer?: string | null;
  /** Why the model wrote no answer when it would have: the monthly cap is reached (the figures). */
  withheld?: string;
}

export interface RememberRequest {
  kind: 'fact' | 'decision' | 'customer_note' | 'artifact' | 'message';
  text: string;
  source: 'slack' | 'discord' | 'workspace' | 'plan' | 'cli';
  link?: string | null;
  workflow?: string | null;
  tags?: string[];
  retention?: string;
  createdBy: string;
}

export interface MemoryPort {
  recall(query: string, options?: { k?: number; workflow?: string; scope?: StepScope; answer?: boolean }): Promise<RecallResult>;
  remember(request: RememberRequest, scope?: StepScope): Promise<{ id: string; duplicate: boolean }>;
  /** The current value of an entity's attribute ("billing_address" of "Lumen"), with its citation. */
  factFor(entity: string, attribute: string): Promise<FactAnswer>;
}

/** A structured model call with a deterministic fallback; which path ran is recorded. */
export interface StructuredRequest<T> {
  /** Names the call in the audit and the cost figures, e.g. "extract-lead". */
  task: string;
  schema: z.ZodType<T>;
  system: string;
  prompt: string;
  /**
   * The longest answer, in tokens, the call may give: the model stops there, and the budget
   * reserves all of it before the call (500 unless said; a drafted piece needs more).
   */
  maxAnswerTokens?: number;
  /** Rules or templates that give an answer with no model (none configured, or the call failed). */
  fallback: () => T | Promise<T>;
}

export interface ModelResult<T> {
  value: T;
  path: 'model' | 'fallback';
}

export interface ModelPort {
  /**
   * scope: the step's own context (ctx), one object per run of the step: it numbers the step's
   * calls, so a re-run of the step gets back the answers it already has (src/llm/model-port.ts).
   */
  structured<T>(request: StructuredRequest<T>, scope: StepScope): Promise<ModelResult<T>>;
}

export interface SequencePort {
  /** The next number of a series, claimed once per idempotency key: a retry gets the same one. */
  claim(series: string, idempotencyKey: string): Promise<number>;
}

/** The operator's settings that steps and executors act on (from src/config/config.ts): workflows never read the environment. */
export interface StepSettings {
  /** Outbound webhook (WEBHOOK_URL, WEBHOOK_SECRET), or null when none is configured. */
  webhook: { url: string; secret: string | null } | null;
  /** SMTP_URL, or null: e-mails are then written as .eml files under DATA_DIR/outbox. */
  smtpUrl: string | null;
  mailFrom: string;
}

export const defaultStepSettings: StepSettings = { webhook: null, smtpUrl: null, mailFrom: 'operator@localhost' };

export interface StepServices {
  memory: MemoryPort;
  model: ModelPort;
  sequences: SequencePort;
  settings: StepSettings;
  /** The mail server, webhook target, model endpoint and Chroma, each behind its circuit breaker. */
  dependencies: DependencyPort;
}

const notConfigured = (what: string) => () => Promise.reject(new Error(`${what} is not available to this worker`));

/** For workers started without services (benchmarks, conductor tests): every call fails clearly. */
export const noServices: StepServices = {
  memory: { recall: notConfigured('memory'), remember: notConfigured('memory'), factFor: notConfigured('memory') },
  model: { structured: async (request) => ({ value: await request.fallback(), path: 'fallback' }) },
  sequences: { claim: notConfigured('the sequence store') },
  settings: defaultStepSettings,
  dependencies: directCalls,
};
