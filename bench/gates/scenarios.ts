// The gate bench's scenario suite: a working week of plans of the shipped workflows that stop at
// a gate, each arriving at a set time (by schedule, webhook or e-mail, so none is typed by the
// operator at the desk), and the gate settings of each phase. The same suite runs in both phases.
import { z } from 'zod';
import type { RunnableStep, WorkflowDefinition } from '../../src/conductor/workflow.ts';
import invoicing from '../../workflows/invoicing.ts';
import leadQualification from '../../workflows/lead-qualification.ts';
import { MINUTE, randomFor } from './random.ts';

export const DAYS = 5;
const DAY = 24 * 60 * MINUTE;

/**
 * One piece of work: the plan it starts and when. An invoice the operator would change (the rate
 * is a little off) says so with correction: the day rate they would have (typed into Edit's
 * form), and the whole input they would type again for a new plan before Edit existed (with the
 * e-mail they already gave).
 */
export interface Scenario {
  id: string;
  kind: 'invoice' | 'invoice-question' | 'lead';
  arrivesAt: number;
  workflow: string;
  input: Record<string, unknown>;
  /** What the operator answers a question with (an invoice with no e-mail: the address). */
  answer: string;
  correction: { dayRate: number; retyped: Record<string, unknown> } | null;
}

const CUSTOMERS = ['ACME', 'Initech', 'Globex', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell'];
const LEADS = [
  ['Jane', 'Doe', 'Brightwave'],
  ['Omar', 'Haddad', 'Northwind'],
  ['Lena', 'Fischer', 'Bluebird'],
  ['Tom', 'Baker', 'Cobalt'],
  ['Ana', 'Silva', 'Lumen'],
] as const;

/** Invoices arrive in working hours (a schedule, a webhook); leads by e-mail from 06:00 to 23:00. */
const INVOICES_PER_DAY = 4;
const INVOICES_WITH_A_QUESTION_PER_DAY = 2;
const LEADS_PER_DAY = 3;

/** The suite for a seed: the same list, in the same order, for both phases. */
export function scenarioSuite(seed: number, needsChangeShare: number): Scenario[] {
  const suite: Scenario[] = [];
  for (let day = 0; day < DAYS; day++) {
    const kinds: Scenario['kind'][] = [
      ...Array<Scenario['kind']>(INVOICES_PER_DAY).fill('invoice'),
      ...Array<Scenario['kind']>(INVOICES_WITH_A_QUESTION_PER_DAY).fill('invoice-question'),
      ...Array<Scenario['kind']>(LEADS_PER_DAY).fill('lead'),
    ];
    kinds.forEach((kind, n) => {
      const id = `d${day}-${n}`;
      const random = randomFor(seed, `scenario:${id}`);
      const [from, to] = kind === 'lead' ? [6 * 60, 23 * 60] : [8 * 60, 18 * 60];
      const arrivesAt = day * DAY + Math.round(random.between(from, to)) * MINUTE;
      if (kind === 'lead') {
        const [first, last, company] = LEADS[Math.floor(random.next() * LEADS.length)]!;
        const budget = 5 + Math.floor(random.next() * 20);
        const text = `Hi, I'm ${first} ${last} from ${company}. We need a new booking website, budget around ${budget}k EUR, ideally live by March. ${first.toLowerCase()}@${company.toLowerCase()}.example`;
        suite.push({ id, kind, arrivesAt, workflow: leadQualification.name, input: { text }, answer: 'yes', correction: null });
        return;
      }
      const customer = CUSTOMERS[Math.floor(random.next() * CUSTOMERS.length)]!;
      const days = 2 + Math.floor(random.next() * 5);
      const rate = 550 + 50 * Math.floor(random.next() * 11); // 2 days at 550 is above the 1,000 approval threshold
      const request = (dayRate: number) => `invoice ${customer} for ${days} days of consulting at ${dayRate}/day`;
      const email = `billing@${customer.toLowerCase()}.example`;
      const details = { address: `${1 + Math.floor(random.next() * 90)} Main Street, Springfield`, vatId: 'DE123456789', currency: 'EUR' };
      suite.push({
        id,
        kind,
        arrivesAt,
        workflow: invoicing.name,
        input: { request: request(rate), customer: kind === 'invoice' ? { ...details, email } : details },
        answer: email,
        correction: random.next() < needsChangeShare ? { dayRate: rate + 50, retyped: { request: request(rate + 50), customer: { ...details, email } } } : null,
      });
    });
  }
  return suite.sort((a, b) => a.arrivesAt - b.arrivesAt);
}

/** The plan's artifact of the invoicing step that prices it: all the approve rule reads. */
const PricedInvoice = z.object({ invoice: z.object({ totalCents: z.number() }) });

/** Invoices up to this total approve themselves at their deadline ("after" only). */
export const APPROVE_INVOICES_UP_TO_CENTS = 2_500_00;

/**
 * The "after" phase: the gates as the workflows ship them (every gate escalates at its deadline,
 * the invoice's approval offers Edit), plus an approve rule an operator would add: an invoice
 * within it approves itself at its deadline.
 */
function withAfterGates(step: RunnableStep, workflow: string): RunnableStep {
  if (workflow !== invoicing.name || step.kind !== 'approval' || !step.deadline) return step;
  const rule = `total at most ${(APPROVE_INVOICES_UP_TO_CENTS / 100).toFixed(2)}`;
  return { ...step, deadline: { ...step.deadline, approveWhen: { rule, holds: (ctx) => PricedInvoice.parse(ctx.artifacts['prepare-invoice']).invoice.totalCents <= APPROVE_INVOICES_UP_TO_CENTS } } };
}

/** "before": the gates as they were, with no deadline and no Edit (whatever the workflow sets). */
function withBeforeGates(step: RunnableStep): RunnableStep {
  if (step.kind !== 'approval' && step.kind !== 'question') return step;
  const { deadline: _deadline, ...rest } = step;
  if (rest.kind !== 'approval') return rest;
  const { edits: _edits, ...plain } = rest;
  return plain;
}

export type Phase = 'before' | 'after';

/** The shipped workflows with the phase's gate settings; their steps are otherwise untouched. */
export function phaseWorkflows(phase: Phase): WorkflowDefinition[] {
  return [invoicing, leadQualification].map((workflow) => ({
    ...workflow,
    plan: (input: unknown) => workflow.plan(input).map((step) => (phase === 'after' ? withAfterGates(step, workflow.name) : withBeforeGates(step))),
  }));
}
