// ModelPort (src/core/services.ts) for steps: a structured model call validated by the
// step's zod schema, or the step's deterministic fallback when no model is configured, the call
// fails or the answer does not fit; no call at all when it would go over a budget cap (the plan
// is handed back instead). Either way one ModelCall row records the path taken, tokens,
// cost and the redacted input and output, for the audit and for cost per plan and workflow.
//
// A call to the model is reserved before it is made (its row at the expected cost, checked
// against the caps in the same serialised transaction) and settled to its real cost after, so
// plans calling at the same moment cannot pass a cap together. Each answer the model gives a
// step is kept by its place in the step: when the step runs again (Continue after a budget
// pause, a retry after a failure) and asks the same thing at the same place, it gets the kept
// answer back without a call or a charge, as durable execution replays an activity's result.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { noBudgetCaps, type BudgetCaps } from '../core/budgets.ts';
import { DependencyUnavailable, directCalls, type DependencyPort } from '../core/dependencies.ts';
import type { ModelPort, ModelResult, StepScope, StructuredRequest } from '../core/services.ts';
import { redactText } from '../privacy/redact.ts';
import { keptAnswer, recordModelCall, type ModelCallOpening } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_MAX_ANSWER_TOKENS, reserveWithinCaps, tokenizerFor, type Usage } from './budgets.ts';
import type { StructuredChat } from './openai-chat.ts';

export interface ModelPortOptions {
  store: Store;
  logger: Logger;
  /** null when no model is configured: every call takes its fallback. */
  chat: StructuredChat | null;
  /**
   * The model endpoint's circuit breaker: while it is open no call is made and the step takes
   * its fallback at once (every model-backed step has one), instead of waiting out a timeout.
   */
  dependencies?: DependencyPort;
  /**
   * Cost caps checked before each call: the BUDGET_* settings, under those set while running
   * (`/op budget set`, read at each call); none: every call may go ahead.
   */
  budgets?: BudgetCaps;
}

const NO_MODEL = 'no model configured (set OPENAI_API_KEY to use one)';

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'answer'}: ${issue.message}`).join('; ');
}

/** Same model, task and words: the same question, whose kept answer a re-run may reuse. */
const requestKeyOf = (model: string, request: StructuredRequest<unknown>): string =>
  createHash('sha256').update(JSON.stringify([model, request.task, request.system, request.prompt])).digest('hex');

/** usage: what the provider reported; null when the call failed without a report (it may still have been billed). */
type Asked<T> = ({ answered: true; value: T } | { answered: false; failure: string }) & { usage: Usage | null };

export function createModelPort({ store, logger, chat, dependencies = directCalls, budgets = noBudgetCaps }: ModelPortOptions): ModelPort {
  const log = logger.child({ component: 'model' });
  if (chat) tokenizerFor(chat.model).catch((error: unknown) => log.warn({ err: error }, 'the tokenizer did not load; the first call loads it again'));
  /**
   * How many model calls each run of a step has made so far. The scope is the step's context,
   * one object per run of the step, so a re-run counts from 1 again.
   */
  const callsOfRun = new WeakMap<StepScope, number>();

  async function ask<T>(model: StructuredChat, request: StructuredRequest<T>): Promise<Asked<T>> {
    let usage: Usage | null = null;
    try {
      const answer = await dependencies.call('model', () => model.ask({ ...request, maxAnswerTokens: request.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS }));
      usage = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens };
      const checked = request.schema.safeParse(answer.parsed);
      if (checked.success) return { answered: true, value: checked.data, usage };
      return { answered: false, failure: `the model's answer does not fit the contract (${describeIssues(checked.error.issues)})`, usage };
    } catch (error) {
      // LangChain validates the answer itself and throws zod's error (a core class, hence the shape check).
      const issues = (error as { issues?: unknown }).issues;
      const failure = Array.isArray(issues)
        ? `the model's answer does not fit the contract (${describeIssues(issues as { path: PropertyKey[]; message: string }[])})`
        : `the model call failed: ${(error as Error).message ?? String(error)}`;
      // Refused by the open breaker, the request never left: nothing was billed.
      return { answered: false, failure, usage: error instanceof DependencyUnavailable ? { promptTokens: 0, completionTokens: 0 } : usage };
    }
  }

  async function structured<T>(request: StructuredRequest<T>, scope: StepScope): Promise<ModelResult<T>> {
    const started = performance.now();
    const opening: ModelCallOpening = {
      planId: scope.planId,
      stepKey: scope.stepKey,
      workflow: scope.workflow,
      task: request.task,
      model: chat?.model ?? null,
      input: { system: request.system, prompt: request.prompt },
    };

    if (!chat) {
      const value = await request.fallback();
      await recordModelCall(store, { ...opening, path: 'fallback', output: value, error: NO_MODEL, promptTokens: 0, completionTokens: 0, costUsd: 0, durationMs: performance.now() - started });
      return { value, path: 'fallback' };
    }

    const sequence = (callsOfRun.get(scope) ?? 0) + 1;
    callsOfRun.set(scope, sequence);
    const place = { planId: scope.planId, stepKey: scope.stepKey, sequence, requestKey: requestKeyOf(chat.model, request) };
    const earlier = await keptAnswer(store, place);
    const kept = earlier === undefined ? null : request.schema.safeParse(earlier);
    if (kept?.success) {
      log.debug({ task: request.task, ...place }, 'model answer replayed from an earlier run of the step');
      return { value: kept.data, path: 'model' };
    }

    // Before the call, so a call that would go over a cap is never made; the plan is handed back.
    const call = await reserveWithinCaps(store, budgets, opening, chat.model, request);
    const asked = await ask(chat, request);
    if (asked.answered) {
      await call.settle({ path: 'model', output: asked.value, error: null }, asked.usage, { ...place, answer: asked.value });
      return { value: asked.value, path: 'model' };
    }
    log.warn({ task: request.task, planId: scope.planId, stepKey: scope.stepKey, reason: redactText(asked.failure) }, 'model call fell back to rules');
    try {
      const value = await request.fallback();
      await call.settle({ path: 'fallback', output: value, error: asked.failure }, asked.usage);
      return { value, path: 'fallback' };
    } catch (error) {
      // The reservation must not keep counting at its estimate for a call whose cost is known.
      await call.settle({ path: 'fallback', output: null, error: `${asked.failure}; the fallback failed too: ${(error as Error).message}` }, asked.usage);
      throw error;
    }
  }

  return { structured };
}
