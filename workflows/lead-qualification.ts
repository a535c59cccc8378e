// Qualify a lead from a pasted e-mail (headers, forwarded blocks, quoted replies and signature
// kept) or a few lines of text, e.g.
//   "Hi, I'm Jane Doe from Globex (jane@globex.example). We need a new booking website,
//    budget around 15k EUR, ideally live by March."
// Reads like the process: read who they are and what they want, each value with the words it
// came from; recall earlier dealings with the company (cited); ask in the thread for each value
// the reply depends on (company, e-mail, budget, timeline) that is missing or unsure, quoting the
// sentence and offering the best reading; look up what memory holds as current about the company
// (our contact there, our rate, their payment terms); score; draft a reply; let the operator
// approve it with the evidence shown; send it; remember how it went. A lead is never declined on
// a guess, and an old rate or a former contact is never quoted as today's.
import { z } from 'zod';
import { email } from '../src/actions/email.ts';
import { rememberOutcome } from '../src/actions/remember.ts';
import { defineWorkflow, stepsFor, type StepContext } from '../src/conductor/workflow.ts';
import { Deadline, readDeadline } from '../src/reading/dates.ts';
import { fieldOf, type Field } from '../src/reading/field.ts';
import { Budget, checkModelLead, ModelLead, readLead, unsureLeadFields, type RequiredLeadField } from '../src/reading/lead.ts';
import { readMoney } from '../src/reading/money.ts';
import { NOT_KNOWN, questionAbout, sentenceOf, TAKES_DEFAULT } from './shared/clarify.ts';
import { citedLines, currentFact, quotedCandidates, Recalled, recallBestEffort } from './shared/recall.ts';

const Input = z.object({
  text: z.string().min(20, 'paste the lead\'s e-mail or describe it: who, what they need, budget and timeline'),
  /** The reply as the operator changed it in Edit's form: sent instead of the draft's. */
  reply: z
    .object({ to: z.email('an e-mail address, e.g. jane@globex.example'), subject: z.string().trim().min(1, 'write a subject'), body: z.string().trim().min(1, 'write the reply') })
    .partial()
    .default({}),
});
type Input = z.infer<typeof Input>;

const TextField = fieldOf(z.string().nullable());
const ReadLeadFields = z.object({
  company: TextField,
  contactName: TextField,
  email: TextField,
  need: TextField,
  budget: fieldOf(Budget.nullable()),
  timeline: fieldOf(Deadline.nullable()),
  /** When the lead wrote (ISO): relative dates in answers count from the plan's time instead. */
  written: z.iso.datetime(),
  /** Where a model's reading and the text or the rules disagree: those fields are asked. */
  disagreements: z.array(z.string()),
  via: z.enum(['model', 'fallback']),
});
type ReadLeadFields = z.infer<typeof ReadLeadFields>;

/** The lead as the reply and the memory use it: plain values, each settled (read surely or answered). */
const Lead = z.object({
  company: z.string().nullable(),
  contactName: z.string().nullable(),
  email: z.string().nullable(),
  need: z.string().nullable(),
  budget: Budget.nullable(),
  timeline: z.string().nullable(),
});
type Lead = z.infer<typeof Lead>;

const BANDS = ['hot', 'grey', 'cold'] as const;
const Score = z.object({
  score: z.number().int().min(0).max(100),
  band: z.enum(BANDS),
  reasons: z.array(z.string()),
  /** Earlier interactions that counted, by citation number. */
  cited: z.array(z.number().int()),
});
type Score = z.infer<typeof Score>;

/** Where each value came from, as the approval shows it: "15,000 EUR from '15k EUR'". */
const Qualified = z.object({ lead: Lead, evidence: z.record(z.string(), z.string()), score: Score });

const Reply = z.object({ subject: z.string().min(1), body: z.string().min(1) });
const DraftedReply = Reply.extend({ to: z.string(), cited: z.array(z.number().int()), via: z.enum(['model', 'fallback']) });

/** Scores from 40 to 69 are the grey zone. */
const HOT_FROM = 70;
const GREY_FROM = 40;

const step = stepsFor(Input);

const readLeadStep = step.extract({
  key: 'read-lead',
  title: 'Read the lead',
  input: z.string(),
  output: ReadLeadFields,
  from: (ctx) => ctx.input.text,
  run: async (text, ctx) => {
    const rules = await readLead(text, new Date());
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'extract-lead',
        schema: ModelLead,
        system: 'Extract the sales lead: the sender\'s own company (not a referrer\'s, a client\'s or a tool\'s), contact name, e-mail, what they need, budget (a number) and its currency (ISO code), and the timeline as the words the text uses. Copy names and phrases exactly as written. Use null for what the text does not say.',
        prompt: text,
        fallback: () => ({ company: null, contactName: null, email: null, need: null, budget: null, currency: null, timeline: null }),
      },
      ctx,
    );
    // The model's answer is checked against the text like the rules' reading; the fallback adds nothing.
    const { lead, disagreements } = path === 'model' ? checkModelLead(text, value, rules) : { lead: rules, disagreements: [] };
    return { ...lead, written: lead.written.toISOString(), disagreements, via: path };
  },
});

const read = (ctx: StepContext<Input>) => ctx.output(readLeadStep);
const unsure = (ctx: StepContext<Input>, field: RequiredLeadField) => unsureLeadFields(ctx.input.text, read(ctx)).includes(field);

/** The company the lead is from, as read or as the operator answered; null for none. */
const companyNamed = (ctx: StepContext<Input>) => {
  const answer = ctx.outputIfRan(askCompany);
  return answer === undefined || TAKES_DEFAULT.test(answer) ? read(ctx).company.value : NOT_KNOWN.test(answer) ? null : answer;
};
const companyOf = (ctx: StepContext<Input>) => companyNamed(ctx) ?? 'this lead';

/** The attributes of a returning company a reply may rest on, by memory's name and as shown. */
const CURRENT_ATTRIBUTES = { contact: 'contact', rate: 'rate', payment_terms: 'payment terms' } as const;
const CurrentFacts = z.object({
  /** Each current value, and as the approval shows it: "rate: 920 EUR (since 2026-10-01, <link>; it replaced "850 EUR")". */
  known: z.array(z.object({ label: z.string(), value: z.string(), shown: z.string() })),
  /** Attributes memory states two ways at once: shown for the operator to check, never quoted. */
  conflicting: z.array(z.string()),
});

const lookUpCurrentFacts = step.transform({
  key: 'current-facts',
  title: 'Look up what memory holds as current about the company',
  input: z.string().nullable(),
  output: CurrentFacts,
  from: companyNamed,
  run: async (company, ctx) => {
    const facts: z.infer<typeof CurrentFacts> = { known: [], conflicting: [] };
    if (!company) return facts;
    for (const [attribute, label] of Object.entries(CURRENT_ATTRIBUTES)) {
      const fact = await currentFact(ctx, company, attribute);
      if (fact.status === 'known') {
        const { value, since, citation } = fact.current;
        const replaced = fact.replaced ? `; it replaced "${fact.replaced.value}"` : '';
        facts.known.push({ label, value, shown: `${label}: ${value} (since ${since.slice(0, 10)}, ${citation.link ?? citation.source}${replaced})` });
      } else if (fact.status === 'conflict') {
        facts.conflicting.push(`${label}: memory states ${quotedCandidates(fact.candidates).join(' and ')} at about the same time; check which holds before quoting it`);
      }
    }
    return facts;
  },
});

const recallHistory = step.transform({
  key: 'recall-history',
  title: 'Recall earlier dealings with the company',
  input: z.string().nullable(),
  output: Recalled,
  from: (ctx) => read(ctx).company.value,
  run: (company, ctx) => (company ? recallBestEffort(ctx, company) : { query: '', citations: [], note: 'the lead names no company, so nothing was recalled' }),
});

const askCompany = step.question({
  key: 'ask-company',
  title: 'Ask which company the lead is from',
  when: (ctx) => unsure(ctx, 'company'),
  ask: (ctx) => questionAbout(ctx.input.text, read(ctx).company, { question: 'Which company is this lead from?', shown: (v) => `"${v}"`, typeInstead: 'type the company\'s name ("none" for a private person)' }),
  answer: z.string().trim().min(2, 'the company\'s name, "yes" to use my reading, or "none"'),
});

const askEmail = step.question({
  key: 'ask-email',
  title: 'Ask for the contact e-mail',
  when: (ctx) => unsure(ctx, 'email'),
  ask: (ctx) => {
    const { email: found } = read(ctx);
    const quoted = found.value && found.evidence.kind === 'span' ? ` I read "${found.value}" in: "${sentenceOf(ctx.input.text, found.evidence.span.start, found.evidence.span.end)}"; type it to confirm, or another.` : '';
    return `Which e-mail address should the reply to ${companyOf(ctx)} go to?${quoted}`;
  },
  answer: z.email('an e-mail address, e.g. jane@globex.example'),
});

const askBudget = step.question({
  key: 'ask-budget',
  title: 'Ask for the budget',
  when: (ctx) => unsure(ctx, 'budget'),
  ask: (ctx) =>
    questionAbout(ctx.input.text, read(ctx).budget, {
      question: `What budget does ${companyOf(ctx)} have, with its currency?`,
      shown: (b) => `${formatBudget(b)}${b.currency ? '' : ' (no currency stated)'}`,
      typeInstead: 'type it, e.g. "20k EUR" or "$15,000-20,000" ("unknown" if they did not say)',
    }),
  answer: z
    .string()
    .trim()
    .refine((answer) => TAKES_DEFAULT.test(answer) || NOT_KNOWN.test(answer) || readMoney(answer).some((m) => m.value.currency !== null), 'an amount with its currency, e.g. "20k EUR" or "$15,000-20,000", "yes" to use my reading, or "unknown"'),
});

const askTimeline = step.question({
  key: 'ask-timeline',
  title: 'Ask for the timeline',
  when: (ctx) => unsure(ctx, 'timeline'),
  ask: (ctx) =>
    questionAbout(ctx.input.text, read(ctx).timeline, {
      question: `By when does ${companyOf(ctx)} need it?`,
      shown: (t) => `${t.by} ("${t.phrase}")`,
      typeInstead: 'type a deadline, e.g. "by 31 March" or "start in April" ("none" if they gave none)',
    }),
  answer: z
    .string()
    .trim()
    .refine((answer) => TAKES_DEFAULT.test(answer) || NOT_KNOWN.test(answer) || readDeadline(answer, { text: answer, start: 0, end: answer.length }, new Date()).value !== null, 'a deadline, e.g. "by 31 March" or "in 6 weeks", "yes" to use my reading, or "none"'),
});

const scoreLeadStep = step.transform({
  key: 'score-lead',
  title: 'Score the lead',
  input: z.object({
    read: ReadLeadFields,
    recalled: Recalled,
    answers: z.object({ company: z.string().optional(), email: z.string().optional(), budget: z.string().optional(), timeline: z.string().optional() }),
  }),
  output: Qualified,
  from: (ctx) => ({
    read: read(ctx),
    recalled: ctx.output(recallHistory),
    answers: { company: ctx.outputIfRan(askCompany), email: ctx.outputIfRan(askEmail), budget: ctx.outputIfRan(askBudget), timeline: ctx.outputIfRan(askTimeline) },
  }),
  run: ({ read: fields, recalled: history, answers }) => {
    const evidence: Record<string, string> = {};
    const settle = <T>(name: string, field: Field<T | null>, answer: string | undefined, fromAnswer: (answer: string) => T | null, shown: (value: T) => string): T | null => {
      const value = answer === undefined || TAKES_DEFAULT.test(answer) ? field.value : NOT_KNOWN.test(answer) ? null : fromAnswer(answer);
      if (value !== null) evidence[name] = answer === undefined || TAKES_DEFAULT.test(answer) ? `${shown(value)} from "${field.evidence.kind === 'span' ? field.evidence.span.text : ''}"` : `${shown(value)} as you answered`;
      return value;
    };
    const budgetAnswer = (answer: string) => {
      const mention = readMoney(answer).find((m) => m.value.currency !== null);
      return mention ? { min: mention.value.min, max: mention.value.max, currency: mention.value.currency } : null;
    };
    const timelineAnswer = (answer: string) => readDeadline(answer, { text: answer, start: 0, end: answer.length }, new Date()).value;
    const deadline = settle('timeline', fields.timeline, answers.timeline, timelineAnswer, (t) => `${t.by}`);
    const lead: Lead = {
      company: settle('company', fields.company, answers.company, (a) => a, (v) => v),
      contactName: fields.contactName.value,
      email: settle('email', fields.email, answers.email, (a) => a, (v) => v),
      need: fields.need.value,
      budget: settle('budget', fields.budget, answers.budget, budgetAnswer, formatBudget),
      timeline: deadline ? (answers.timeline && !TAKES_DEFAULT.test(answers.timeline) ? answers.timeline : deadline.phrase) : null,
    };
    return { lead, evidence, score: scoreLead(lead, history) };
  },
});

const draftReply = step.extract({
  key: 'draft-reply',
  title: 'Draft a reply',
  input: z.object({ qualified: Qualified, recalled: Recalled, current: CurrentFacts }),
  output: DraftedReply,
  from: (ctx) => ({ qualified: ctx.output(scoreLeadStep), recalled: ctx.output(recallHistory), current: ctx.output(lookUpCurrentFacts) }),
  run: async ({ qualified: { lead: final, score }, recalled: history, current }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'draft-lead-reply',
        schema: Reply,
        system: `Write a short, warm reply from a solo consultant to a sales lead. A ${score.band} lead: ${score.band === 'hot' ? 'propose a call this week' : score.band === 'grey' ? 'ask for the missing details' : 'decline politely or suggest a smaller start'}. Plain text, no placeholders.`,
        prompt:
          `Lead: ${JSON.stringify(final)}\nEarlier dealings:\n${citedLines({ ...history, citations: history.citations.filter((c) => score.cited.includes(c.n)) }) || 'none'}` +
          `\nTrue of them today (quote only these, never an older value from the dealings):\n${current.known.map((fact) => `${fact.label}: ${fact.value}`).join('\n') || 'nothing known'}`,
        fallback: () => replyByTemplate(final, score),
      },
      ctx,
    );
    // The e-mail was settled before this step: read surely from the lead, or given by the operator.
    return { ...value, to: final.email ?? '', cited: score.cited, via: path };
  },
});

/** The reply to send: the draft, with what the operator changed in Edit's form. */
const replyOf = (ctx: Pick<StepContext<Input>, 'input' | 'output'>) => ({ ...ctx.output(draftReply), ...ctx.input.reply });

const approveReply = step.approval({
  key: 'approve-reply',
  title: 'Approve the reply',
  summary: (ctx) => {
    const { score, evidence } = ctx.output(scoreLeadStep);
    const reply = replyOf(ctx);
    const preview = reply.body.length > 400 ? `${reply.body.slice(0, 400)}...` : reply.body;
    const sources = ctx.output(recallHistory).citations.filter((c) => score.cited.includes(c.n)).map((c) => `[${c.n}] ${c.snippet.slice(0, 80)}`).join('\n');
    const read = Object.entries(evidence).map(([name, said]) => `${name}: ${said}`).join('\n');
    const { known, conflicting } = ctx.output(lookUpCurrentFacts);
    const current = [...known.map((fact) => fact.shown), ...conflicting].join('\n');
    return (
      `Send this reply to ${companyOf(ctx)} (${score.band}, ${score.score}/100)?\nTo: ${reply.to}\nSubject: ${reply.subject}\n\n${preview}\n\nRead from the lead:\n${read}` +
      `${current ? `\n\nMemory holds as current:\n${current}` : ''}${sources ? `\n\nRecalled:\n${sources}` : ''}`
    );
  },
  // Approve with changes: the reply as it will be sent.
  edits: {
    'reply.to': { label: 'To', value: (plan) => replyOf(plan).to },
    'reply.subject': { label: 'Subject', value: (plan) => replyOf(plan).subject },
    'reply.body': { label: 'Reply', value: (plan) => replyOf(plan).body, multiline: true },
  },
});

const sendReply = step.action({
  key: 'send-reply',
  title: 'Send the reply',
  executor: email,
  from: (ctx) => {
    const reply = replyOf(ctx);
    return { to: reply.to, subject: reply.subject, text: reply.body, attachments: [] };
  },
  retry: { maxAttempts: 5, initialDelayMs: 2000 },
});

const rememberLead = step.action({
  key: 'remember-lead',
  title: 'Remember the lead and the outcome',
  executor: rememberOutcome,
  from: (ctx) => {
    const { lead: final, score } = ctx.output(scoreLeadStep);
    return {
      kind: 'customer_note',
      text: `Lead ${final.company ?? 'unknown company'} (${final.contactName ?? 'unknown contact'}): needs ${final.need ?? 'unclear'}; budget ${final.budget ? formatBudget(final.budget) : 'unknown'}; timeline ${final.timeline ?? 'unknown'}. Scored ${score.score}/100 (${score.band}); replied "${replyOf(ctx).subject}".`,
      workflow: 'lead-qualification',
      planId: ctx.planId,
      tags: ['lead', score.band, ...(final.company ? [final.company] : [])],
    };
  },
});

export default defineWorkflow({
  name: 'lead-qualification',
  // Leads go cold: a reply or question nobody answers within two hours goes up the escalation chain
  // (thread, direct message, e-mail); a deadline never sends a reply by itself.
  gateDeadline: { afterMinutes: 2 * 60, then: 'escalate' },
  description: 'Qualify a lead: read who and what with evidence, recall earlier dealings, ask for what is missing or unsure, score, draft a reply, approve, send, remember.',
  input: Input,
  freeTextField: 'text',
  plan: () => [readLeadStep, recallHistory, askCompany, askEmail, askBudget, askTimeline, lookUpCurrentFacts, scoreLeadStep, draftReply, approveReply, sendReply, rememberLead],
});

function formatBudget(budget: z.infer<typeof Budget>): string {
  const amount = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const range = budget.min === budget.max ? amount(budget.min) : `${amount(budget.min)}-${amount(budget.max)}`;
  return budget.currency ? `${range} ${budget.currency}` : range;
}

/** Points for what makes a lead worth pursuing; the reasons are shown to the operator. */
function scoreLead(lead: Lead, history: Recalled): Score {
  let score = 0;
  const reasons: string[] = [];
  // A range counts by what they are sure to spend: its lower end.
  const budget = lead.budget?.min ?? null;
  if (budget !== null && budget >= 10_000) {
    score += 40;
    reasons.push(`budget ${formatBudget(lead.budget!)}`);
  } else if (budget !== null && budget >= 3_000) {
    score += 25;
    reasons.push(`modest budget ${formatBudget(lead.budget!)}`);
  } else {
    reasons.push(budget === null ? 'budget unknown' : `small budget ${formatBudget(lead.budget!)}`);
  }
  if (lead.timeline) {
    score += 20;
    reasons.push(`timeline ${lead.timeline}`);
  } else {
    reasons.push('no timeline');
  }
  if (lead.need) score += 20;
  else reasons.push('need unclear');
  if (lead.email) score += 10;
  // Only memories that name the company are dealings with it; recall may bring neighbours too.
  const company = lead.company?.toLowerCase();
  const cited = company ? history.citations.filter((c) => c.snippet.toLowerCase().includes(company)).map((c) => c.n) : [];
  if (cited.length > 0) {
    score += 10;
    reasons.push(`known to us [${cited.join(', ')}]`);
  }
  const band = score >= HOT_FROM ? 'hot' : score >= GREY_FROM ? 'grey' : 'cold';
  return { score: Math.min(100, score), band, reasons, cited };
}

function replyByTemplate(lead: Lead, score: Score): z.infer<typeof Reply> {
  const name = lead.contactName?.split(' ')[0] ?? 'there';
  const need = lead.need ?? 'your project';
  const known = score.cited.length > 0 ? ' It is good to hear from you again.' : '';
  const bodies: Record<Score['band'], string> = {
    hot: `Hi ${name},\n\nthank you for reaching out about ${need}.${known} This is right up my street, and ${lead.timeline ? `${lead.timeline} works` : 'the timing works'} for me. Could we have a 30-minute call this week to go through the details? Let me know two slots that suit you.\n\nBest regards`,
    grey: `Hi ${name},\n\nthank you for reaching out about ${need}.${known} To see how I can help best, could you tell me a bit more about the budget you have in mind and when you would like to start?\n\nBest regards`,
    cold: `Hi ${name},\n\nthank you for thinking of me for ${need}.${known} I am not able to take this on at the moment as described, but I would be glad to suggest a smaller first step or someone who might fit better.\n\nBest regards`,
  };
  return { subject: `Re: ${lead.need ? need.charAt(0).toUpperCase() + need.slice(1) : 'your enquiry'}`, body: bodies[score.band] };
}
