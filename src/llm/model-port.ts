// ModelPort (src/core/services.ts) for steps: a structured model call validated by the
// step's zod schema, or the step's deterministic fallback when no model is configured, the call
// fails or the answer does not fit; no call at all when it would go over a budget cap (the plan
// is handed back instead). Either way one ModelCall row records the path taken, tokens,
// cost and the redacted input and output, for the audit and for cost per plan and workflow.
import type { Logger } from 'pino';
import { BudgetReached, hasCaps, noBudgetCaps, type BudgetCaps } from '../core/budgets.ts';
import { directCalls, type DependencyPort } from '../core/dependencies.ts';
import type { ModelPort, ModelResult, StepScope, StructuredRequest } from '../core/services.ts';
import { redactText } from '../privacy/redact.ts';
import { planSpend } from '../store/budgets.ts';
import { recordModelCall, type ModelCallDraft } from '../store/model-calls.ts';
import type { Store } from '../store/store.ts';
import { budgetVerdict, expectedCostUsd } from './budgets.ts';
import type { StructuredChat } from './openai-chat.ts';
import { costUsd } from './prices.ts';

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
  /** Cost caps checked before each call (BUDGET_* settings); none: every call may go ahead. */
  budgets?: BudgetCaps;
}

const NO_MODEL = 'no model configured (set OPENAI_API_KEY to use one)';
const NOT_ANSWERED = Symbol('not answered');

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'answer'}: ${issue.message}`).join('; ');
}

export function createModelPort({ store, logger, chat, dependencies = directCalls, budgets = noBudgetCaps }: ModelPortOptions): ModelPort {
  const log = logger.child({ component: 'model' });

  async function structured<T>(request: StructuredRequest<T>, scope: StepScope): Promise<ModelResult<T>> {
    const started = performance.now();
    const call = (fields: Pick<ModelCallDraft, 'path' | 'output' | 'error' | 'promptTokens' | 'completionTokens'>): ModelCallDraft => ({
      planId: scope.planId,
      stepKey: scope.stepKey,
      workflow: scope.workflow,
      task: request.task,
      model: chat?.model ?? null,
      costUsd: chat ? costUsd(chat.model, fields) : 0,
      input: { system: request.system, prompt: request.prompt },
      durationMs: performance.now() - started,
      ...fields,
    });

    let failure = NO_MODEL;
    let usage = { promptTokens: 0, completionTokens: 0 };
    let answered: T | typeof NOT_ANSWERED = NOT_ANSWERED;
    if (chat) {
      // Before the call, so a call that would go over a cap is never made; the plan is handed back.
      if (hasCaps(budgets)) {
        const pause = budgetVerdict(await planSpend(store, scope.planId, scope.workflow), budgets, scope.workflow, expectedCostUsd(chat.model, request));
        if (pause) throw new BudgetReached(pause);
      }
      try {
        const answer = await dependencies.call('model', () => chat.ask(request));
        usage = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens };
        const checked = request.schema.safeParse(answer.parsed);
        if (checked.success) answered = checked.data;
        else failure = `the model's answer does not fit the contract (${describeIssues(checked.error.issues)})`;
      } catch (error) {
        // LangChain validates the answer itself and throws zod's error (a core class, hence the shape check).
        const issues = (error as { issues?: unknown }).issues;
        failure = Array.isArray(issues)
          ? `the model's answer does not fit the contract (${describeIssues(issues as { path: PropertyKey[]; message: string }[])})`
          : `the model call failed: ${(error as Error).message ?? String(error)}`;
      }
      if (answered !== NOT_ANSWERED) {
        await recordModelCall(store, call({ path: 'model', output: answered, error: null, ...usage }));
        return { value: answered as T, path: 'model' };
      }
      log.warn({ task: request.task, planId: scope.planId, stepKey: scope.stepKey, reason: redactText(failure) }, 'model call fell back to rules');
    }
    const value = await request.fallback();
    await recordModelCall(store, call({ path: 'fallback', output: value, error: failure, ...usage }));
    return { value, path: 'fallback' };
  }

  return { structured };
}
