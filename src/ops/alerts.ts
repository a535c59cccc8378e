// Every alert Operator raises, in one place. Each has a condition evaluated on the store's
// figures (src/store/alerts.ts), a severity, a text that says what is wrong and the next step,
// and a runbook at docs/runbooks/<name>.md. One replica per round evaluates them (AlertRound);
// an alert is announced once to the operator's channels through the notices outbox, announced
// again when its severity changes, and a "resolved" message follows when its condition clears.
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import {
  claimAlertRound,
  firingAlerts,
  openKeyOf,
  raiseAlert,
  readAlertFigures,
  refreshAlert,
  resolveAlert,
  type AlertDraft,
  type AlertFigures,
  type AnnouncementOf,
  type NoticeTarget,
} from '../store/alerts.ts';
import type { Store } from '../store/store.ts';
import { alertLabel as label, runbookOf } from '../core/alert-names.ts';

export type Severity = 'warning' | 'critical';

/** What a condition found: one alert per subject (a dependency, a platform, a workflow). */
export interface Finding {
  subject: string;
  severity: Severity;
  text: string;
  figures: Record<string, unknown>;
}

export interface AlertLimits {
  outboxBehindSeconds: number;
  operatorWaitHours: number;
  diskFreePercent: number;
}

/** What a condition sees: the store's figures, and the free share of DATA_DIR's disk. */
export interface Observation {
  figures: AlertFigures;
  disk: { freeShare: number; dataDir: string } | null;
  limits: AlertLimits;
}

export interface AlertDefinition {
  name: string;
  /** One line for `/op alerts` and the README. */
  summary: string;
  findings(observation: Observation): Finding[];
}

const DEPENDENCY_LABELS: Record<string, string> = {
  smtp: 'The mail server (SMTP_URL)',
  webhook: 'The webhook target (WEBHOOK_URL)',
  model: 'The model endpoint (OPENAI_BASE_URL)',
  chroma: 'Chroma (CHROMA_URL)',
  imap: 'The IMAP server (IMAP_URL)',
};

/** What goes on while a dependency is down. */
const MEANWHILE: Record<string, string> = {
  model: 'model-backed steps use their rule-based fallbacks meanwhile',
  imap: 'new e-mail is not read meanwhile; it is read when the server is back, none is lost',
};

const at = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');
const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Failure rate of the last day that counts as rising: at least this, and double the week before. */
const FAILURE_RATE_FLOOR = 0.25;
const FAILURE_RATE_MIN_PLANS = 4;
/** Degraded recalls in the recent window that say Chroma is down: one can be a slow start. */
const DEGRADED_RECALLS = 3;
/** A retrieval evaluation this much below the one before it is a drop, not noise. */
const RETRIEVAL_DROP = 0.05;

export const ALERTS: readonly AlertDefinition[] = [
  {
    name: 'dependency_down',
    summary: 'the mail server, webhook target or model endpoint stopped answering (its circuit breaker opened), or the IMAP server cannot be reached',
    findings: ({ figures }) =>
      figures.dependencies
        .filter((dependency) => dependency.status === 'down')
        .map((dependency) => ({
          subject: dependency.name,
          // Plans waiting make it critical: work has stopped, not just slowed.
          severity: dependency.waitingPlans > 0 ? 'critical' : 'warning',
          text:
            `${DEPENDENCY_LABELS[dependency.name] ?? dependency.name} has not answered since ${at(dependency.since)}` +
            `; ${MEANWHILE[dependency.name] ?? 'plans that need it wait and resume by themselves once a probe gets through'}. ` +
            'Next step: check that the server is up and reachable from Operator, and its credentials.',
          figures: { since: dependency.since.toISOString(), waitingPlans: dependency.waitingPlans, lastError: dependency.lastError },
        })),
  },
  {
    name: 'chroma_unreachable',
    summary: 'memory recall fell back to keyword search, or indexing into Chroma keeps failing',
    findings: ({ figures: { chroma } }) =>
      chroma.degradedRecalls >= DEGRADED_RECALLS || chroma.stuckIndexTasks > 0
        ? [
            {
              subject: 'chroma',
              severity: 'warning',
              text:
                `Chroma is not answering: ${chroma.degradedRecalls} recall(s) fell back to keyword search recently and ${chroma.stuckIndexTasks} memory(ies) wait to be indexed. ` +
                'Next step: check /healthz and the Chroma server (CHROMA_URL, or the local one under DATA_DIR); indexing catches up by itself.',
              figures: { ...chroma },
            },
          ]
        : [],
  },
  {
    name: 'chat_delivery_failing',
    summary: 'notices to a chat platform keep failing (outage, revoked token, missing permission)',
    findings: ({ figures }) =>
      figures.failingDeliveries.map((failing) => ({
        subject: failing.platform,
        severity: 'critical',
        text:
          `${failing.notices} message(s) to ${failing.platform} keep failing (last error: ${failing.lastError ?? 'unknown'}). ` +
          `Next step: check /healthz and the ${failing.platform} token and the bot's access to the channel; delivery retries by itself.`,
        figures: { ...failing },
      })),
  },
  {
    name: 'outbox_behind',
    summary: 'chat notices wait longer than ALERT_OUTBOX_BEHIND_SECONDS to be delivered',
    findings: ({ figures: { outbox }, limits }) =>
      outbox.olderThanLimit > 0 && outbox.oldest
        ? [
            {
              subject: '',
              severity: outbox.olderThanLimit >= 100 ? 'critical' : 'warning',
              text:
                `${outbox.olderThanLimit} notice(s) have waited more than ${limits.outboxBehindSeconds} s to reach the chat (oldest since ${at(outbox.oldest)}). ` +
                'Next step: look for a chat_delivery_failing alert or rate limits in the log; cards catch up once delivery resumes.',
              figures: { pending: outbox.pending, late: outbox.olderThanLimit, oldest: outbox.oldest.toISOString() },
            },
          ]
        : [],
  },
  {
    name: 'operator_wait_long',
    summary: 'plans have waited on the operator (approval, question, hand-back) longer than ALERT_OPERATOR_WAIT_HOURS',
    findings: ({ figures: { operatorWaits }, limits }) =>
      operatorWaits.olderThanLimit > 0 && operatorWaits.oldest
        ? [
            {
              subject: '',
              severity: 'warning',
              text:
                `${operatorWaits.olderThanLimit} plan(s) have waited on you for more than ${limits.operatorWaitHours} h (the oldest since ${at(operatorWaits.oldest)}). ` +
                'Next step: `/op list waiting`, then approve, answer, retry, skip or abort each.',
              figures: { plans: operatorWaits.olderThanLimit, oldest: operatorWaits.oldest.toISOString() },
            },
          ]
        : [],
  },
  {
    name: 'workflow_failure_rate',
    summary: `a workflow's failure rate over the last day is at least ${percent(FAILURE_RATE_FLOOR)} and double the week before`,
    findings: ({ figures }) =>
      figures.workflowOutcomes.flatMap((outcome) => {
        if (outcome.recentEnded < FAILURE_RATE_MIN_PLANS) return [];
        const recent = outcome.recentFailed / outcome.recentEnded;
        const earlier = outcome.earlierEnded ? outcome.earlierFailed / outcome.earlierEnded : 0;
        if (recent < FAILURE_RATE_FLOOR || recent < 2 * earlier) return [];
        return [
          {
            subject: outcome.workflow,
            severity: recent >= 0.5 ? 'critical' : 'warning',
            text:
              `${outcome.workflow}: ${outcome.recentFailed} of ${outcome.recentEnded} plans failed in the last day (${percent(recent)}, against ${percent(earlier)} the week before). ` +
              `Next step: \`/op list all\`, then \`/op audit <plan>\` on a failed one to see which step fails and why.`,
            figures: { ...outcome, recentRate: recent, earlierRate: earlier },
          },
        ];
      }),
  },
  {
    name: 'retrieval_below_evaluation',
    summary: 'the latest `op memory eval` scored recall@5 below the evaluation before it',
    findings: ({ figures }) => {
      const [latest, previous] = figures.retrievalEvals;
      if (!latest || !previous || latest.recallAt5 >= previous.recallAt5 - RETRIEVAL_DROP) return [];
      return [
        {
          subject: '',
          severity: 'warning',
          text:
            `Memory recall@5 dropped to ${percent(latest.recallAt5)} (${at(latest.at)}) from ${percent(previous.recallAt5)} at the evaluation before. ` +
            'Next step: check that Chroma and the embedding model are the ones evaluated before, then `op memory reindex` and `op memory eval`.',
          figures: { latest: latest.recallAt5, previous: previous.recallAt5 },
        },
      ];
    },
  },
  {
    name: 'disk_filling',
    summary: 'the disk that holds DATA_DIR has less free space than ALERT_DISK_FREE_PERCENT',
    findings: ({ disk, limits }) =>
      disk && disk.freeShare * 100 < limits.diskFreePercent
        ? [
            {
              subject: '',
              severity: disk.freeShare < 0.02 ? 'critical' : 'warning',
              text:
                `The disk holding ${disk.dataDir} has ${percent(disk.freeShare)} free (the limit is ${limits.diskFreePercent}%). ` +
                'Next step: free space or move DATA_DIR; the database stops taking writes when the disk is full.',
              figures: { freeShare: disk.freeShare },
            },
          ]
        : [],
  },
];


/**
 * The message each change of an alert posts; a raised alert carries the "Not useful" button. Its
 * shape is the bot's neutral message, checked where the dispatcher reads the notice back
 * (src/bot/targeted-notice.ts), so ops does not import the bot that imports it.
 */
export const announcement: AnnouncementOf = (alert, change, target) => {
  const message =
    change === 'resolved'
      ? { title: `Resolved: ${label(alert)}`, text: `The condition cleared: ${alert.text.split('. Next step')[0]}.`, footer: runbookOf(alert.name) }
      : {
          title: `${change === 'raised' ? 'Alert' : 'Alert updated'} [${alert.severity}]: ${label(alert)}`,
          text: alert.text,
          footer: `Runbook: ${runbookOf(alert.name)} · /op alerts lists what fires`,
          buttons: change === 'raised' ? [{ action: 'not_useful', label: 'Not useful', planId: alert.id, version: 0 }] : undefined,
        };
  return { target, alertId: alert.id, change, message };
};

/** Evaluates the alerts' conditions and applies the transitions, in one replica per round. */
export class AlertMonitor {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #targets: NoticeTarget[];
  readonly #limits: AlertLimits;
  readonly #dataDir: string;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<unknown> | null = null;

  constructor(options: { store: Store; logger: Logger; targets: NoticeTarget[]; limits: AlertLimits; dataDir: string; intervalMs: number }) {
    this.#store = options.store;
    this.#log = options.logger.child({ component: 'alerts' });
    this.#targets = options.targets;
    this.#limits = options.limits;
    this.#dataDir = options.dataDir;
    this.#intervalMs = options.intervalMs;
  }

  start(): void {
    const tick = async () => {
      this.#round = this.evaluateIfDue().catch((error: unknown) => this.#log.error({ err: error }, 'alert round failed; the next one tries again'));
      await this.#round;
      if (this.#timer) this.#timer = setTimeout(tick, this.#intervalMs / 2);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  /** Evaluates when no other replica did within the interval; returns whether this one did. */
  async evaluateIfDue(): Promise<boolean> {
    if (!(await claimAlertRound(this.#store, this.#intervalMs))) return false;
    await this.evaluate();
    return true;
  }

  /** One round: raise what newly holds, refresh what still holds, resolve what cleared. */
  async evaluate(): Promise<{ raised: string[]; resolved: string[] }> {
    const observation = await this.observe();
    const drafts = new Map<string, AlertDraft>();
    for (const definition of ALERTS) {
      for (const finding of definition.findings(observation)) drafts.set(openKeyOf(definition.name, finding.subject), { name: definition.name, ...finding });
    }
    const raised: string[] = [];
    const resolved: string[] = [];
    for (const alert of await firingAlerts(this.#store)) {
      const key = openKeyOf(alert.name, alert.subject);
      const draft = drafts.get(key);
      drafts.delete(key);
      if (draft) await refreshAlert(this.#store, alert, draft, this.#targets, announcement);
      else if (await resolveAlert(this.#store, alert, this.#targets, announcement)) resolved.push(key);
    }
    for (const [key, draft] of drafts) if (await raiseAlert(this.#store, draft, this.#targets, announcement)) raised.push(key);
    if (raised.length || resolved.length) this.#log.info({ raised, resolved }, 'alerts changed');
    return { raised, resolved };
  }

  async observe(): Promise<Observation> {
    const figures = await readAlertFigures(this.#store, {
      outboxBehindMs: this.#limits.outboxBehindSeconds * 1000,
      operatorWaitMs: this.#limits.operatorWaitHours * 60 * 60_000,
      failedAttempts: 3,
      recentMs: 15 * 60_000,
    });
    const disk = await fs.statfs(this.#dataDir).then(
      (stats) => ({ freeShare: stats.blocks ? stats.bavail / stats.blocks : 1, dataDir: this.#dataDir }),
      () => null,
    );
    return { figures, disk, limits: this.#limits };
  }
}
