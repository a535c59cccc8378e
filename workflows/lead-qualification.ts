// Qualify a lead from a pasted e-mail or a few lines of text, e.g.
//   "Hi, I'm Jane Doe from Globex (jane@globex.example). We need a new booking website,
//    budget around 15k EUR, ideally live by March."
// Reads like the process: pull out who they are and what they want, recall earlier dealings
// with the company (cited), score the lead, ask the operator when it is borderline or the
// e-mail address is missing, draft a reply, let the operator approve it, send it, and remember
// how it went.
import { z } from 'zod';
import { email } from '../src/actions/email.ts';
import { rememberOutcome } from '../src/actions/remember.ts';
import { defineWorkflow, stepsFor, type StepContext } from '../src/conductor/workflow.ts';
import { findMoney } from './shared/money.ts';
import { citedLines, Recalled, recallBestEffort } from './shared/recall.ts';

const Input = z.object({
  text: z.string().min(20, 'paste the lead\'s e-mail or describe it: who, what they need, budget and timeline'),
});
type Input = z.infer<typeof Input>;

// Nullable rather than optional: OpenAI's structured output wants every field.
const Lead = z.object({
  company: z.string().nullable(),
  contactName: z.string().nullable(),
  email: z.string().nullable(),
  need: z.string().nullable(),
  budget: z.number().nullable(),
  currency: z.string().nullable(),
  timeline: z.string().nullable(),
});
type Lead = z.infer<typeof Lead>;
const ReadLead = Lead.extend({ via: z.enum(['model', 'fallback']) });

const BANDS = ['hot', 'grey', 'cold'] as const;
const Score = z.object({
  score: z.number().int().min(0).max(100),
  band: z.enum(BANDS),
  reasons: z.array(z.string()),
  /** Earlier interactions that counted, by citation number. */
  cited: z.array(z.number().int()),
});
type Score = z.infer<typeof Score>;

const Qualified = z.object({ lead: Lead, score: Score });
type Qualified = z.infer<typeof Qualified>;

const Reply = z.object({ subject: z.string().min(1), body: z.string().min(1) });
const DraftedReply = Reply.extend({ to: z.string(), cited: z.array(z.number().int()), via: z.enum(['model', 'fallback']) });
type DraftedReply = z.infer<typeof DraftedReply>;

/** Scores from 40 to 69 are the grey zone: the operator's knowledge decides. */
const HOT_FROM = 70;
const GREY_FROM = 40;


const step = stepsFor(Input);

const readLead = step.extract({
  key: 'read-lead',
  title: 'Read the lead',
  input: z.string(),
  output: ReadLead,
  from: (ctx) => ctx.input.text,
  run: async (text, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'extract-lead',
        schema: Lead,
        system: 'Extract the sales lead: company, contact name, e-mail, what they need, budget (a number) and its currency (ISO code), and timeline. Use null for what the text does not say.',
        prompt: text,
        fallback: () => leadByRules(text),
      },
      ctx,
    );
    return { ...value, via: path };
  },
});

const companyOf = (ctx: StepContext<Input>) => ctx.output(readLead).company ?? 'this lead';

const recallHistory = step.transform({
  key: 'recall-history',
  title: 'Recall earlier dealings with the company',
  input: z.string().nullable(),
  output: Recalled,
  from: (ctx) => ctx.output(readLead).company,
  run: (company, ctx) => (company ? recallBestEffort(ctx, company) : { query: '', citations: [], note: 'the lead names no company, so nothing was recalled' }),
});

const firstScore = step.transform({
  key: 'score-lead',
  title: 'Score the lead',
  input: z.object({ lead: Lead, recalled: Recalled }),
  output: Score,
  from: (ctx) => ({ lead: ctx.output(readLead), recalled: ctx.output(recallHistory) }),
  run: ({ lead: read, recalled: history }) => scoreLead(read, history),
});

const askEmail = step.question({
  key: 'ask-email',
  title: 'Ask for the contact e-mail',
  when: (ctx) => !z.email().safeParse(ctx.output(readLead).email).success,
  ask: (ctx) => `Which e-mail address should the reply to ${companyOf(ctx)} go to?`,
  answer: z.email('an e-mail address, e.g. jane@globex.example'),
});

const clarify = step.question({
  key: 'clarify',
  title: 'Ask about a borderline lead',
  when: (ctx) => ctx.output(firstScore).band === 'grey',
  ask: (ctx) => {
    const score = ctx.output(firstScore);
    return `${companyOf(ctx)} scores ${score.score}/100 (${score.reasons.join('; ')}): borderline. What do you know about their budget and timeline? (e.g. "budget 20k EUR, start in April"; "no" to leave it as is)`;
  },
  answer: z.string().trim().min(2, 'a few words about budget and timeline, or "no"'),
});

const rescore = step.transform({
  key: 'rescore',
  title: 'Score again with your answers',
  input: z.object({ lead: Lead, recalled: Recalled, email: z.string().optional(), clarification: z.string().optional() }),
  output: Qualified,
  from: (ctx) => ({ lead: ctx.output(readLead), recalled: ctx.output(recallHistory), email: ctx.outputIfRan(askEmail), clarification: ctx.outputIfRan(clarify) }),
  run: ({ lead: read, recalled: history, email: answeredEmail, clarification }) => {
    const money = clarification ? findMoney(clarification) : null;
    const timeline = clarification ? timelineIn(clarification) : null;
    const updated: Lead = {
      ...read,
      email: answeredEmail ?? read.email,
      budget: money?.amount ?? read.budget,
      currency: money?.currency ?? read.currency,
      timeline: timeline ?? read.timeline,
    };
    return { lead: updated, score: scoreLead(updated, history) };
  },
});

const draftReply = step.extract({
  key: 'draft-reply',
  title: 'Draft a reply',
  input: z.object({ qualified: Qualified, recalled: Recalled }),
  output: DraftedReply,
  from: (ctx) => ({ qualified: ctx.output(rescore), recalled: ctx.output(recallHistory) }),
  run: async ({ qualified: { lead: final, score }, recalled: history }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'draft-lead-reply',
        schema: Reply,
        system: `Write a short, warm reply from a solo consultant to a sales lead. A ${score.band} lead: ${score.band === 'hot' ? 'propose a call this week' : score.band === 'grey' ? 'ask for the missing details' : 'decline politely or suggest a smaller start'}. Plain text, no placeholders.`,
        prompt: `Lead: ${JSON.stringify(final)}\nEarlier dealings:\n${citedLines({ ...history, citations: history.citations.filter((c) => score.cited.includes(c.n)) }) || 'none'}`,
        fallback: () => replyByTemplate(final, score),
      },
      ctx,
    );
    return { ...value, to: final.email!, cited: score.cited, via: path };
  },
});

const approveReply = step.approval({
  key: 'approve-reply',
  title: 'Approve the reply',
  summary: (ctx) => {
    const { score } = ctx.output(rescore);
    const reply = ctx.output(draftReply);
    const preview = reply.body.length > 400 ? `${reply.body.slice(0, 400)}...` : reply.body;
    const sources = ctx.output(recallHistory).citations.filter((c) => score.cited.includes(c.n)).map((c) => `[${c.n}] ${c.snippet.slice(0, 80)}`).join('\n');
    return `Send this reply to ${companyOf(ctx)} (${score.band}, ${score.score}/100)?\nTo: ${reply.to}\nSubject: ${reply.subject}\n\n${preview}${sources ? `\n\nRecalled:\n${sources}` : ''}`;
  },
});

const sendReply = step.action({
  key: 'send-reply',
  title: 'Send the reply',
  executor: email,
  from: (ctx) => {
    const reply = ctx.output(draftReply);
    return { to: reply.to, subject: reply.subject, text: reply.body, attachments: [] };
  },
  retry: { maxAttempts: 5, initialDelayMs: 2000 },
});

const rememberLead = step.action({
  key: 'remember-lead',
  title: 'Remember the lead and the outcome',
  executor: rememberOutcome,
  from: (ctx) => {
    const { lead: final, score } = ctx.output(rescore);
    const budget = final.budget ? `${final.budget} ${final.currency ?? ''}`.trim() : 'unknown';
    return {
      kind: 'customer_note',
      text: `Lead ${final.company ?? 'unknown company'} (${final.contactName ?? 'unknown contact'}): needs ${final.need ?? 'unclear'}; budget ${budget}; timeline ${final.timeline ?? 'unknown'}. Scored ${score.score}/100 (${score.band}); replied "${ctx.output(draftReply).subject}".`,
      workflow: 'lead-qualification',
      planId: ctx.planId,
      tags: ['lead', score.band, ...(final.company ? [final.company] : [])],
    };
  },
});

export default defineWorkflow({
  name: 'lead-qualification',
  description: 'Qualify a lead: extract who and what, recall earlier dealings, score, ask when unsure, draft a reply, approve, send, remember.',
  input: Input,
  freeTextField: 'text',
  plan: () => [readLead, recallHistory, firstScore, askEmail, clarify, rescore, draftReply, approveReply, sendReply, rememberLead],
});

/** Points for what makes a lead worth pursuing; the reasons are shown to the operator. */
function scoreLead(lead: Lead, history: Recalled): Score {
  let score = 0;
  const reasons: string[] = [];
  if (lead.budget !== null && lead.budget >= 10_000) {
    score += 40;
    reasons.push(`budget ${lead.budget}`);
  } else if (lead.budget !== null && lead.budget >= 3_000) {
    score += 25;
    reasons.push(`modest budget ${lead.budget}`);
  } else {
    reasons.push(lead.budget === null ? 'budget unknown' : `small budget ${lead.budget}`);
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

function timelineIn(text: string): string | null {
  const months = 'January|February|March|April|May|June|July|August|September|October|November|December';
  return (
    new RegExp(`\\b(?:by|before|in|from|starting(?: in)?|start(?:ing)? in|live by|until)\\s+((?:early |mid |late |end of )?(?:${months}|Q[1-4]|next (?:week|month|quarter|year)|\\d{4})(?:\\s+\\d{4})?)`, 'i').exec(text)?.[0] ??
    /\bwithin\s+\d+\s+(?:days?|weeks?|months?)\b/i.exec(text)?.[0] ??
    /\b(?:asap|as soon as possible|urgently)\b/i.exec(text)?.[0] ??
    null
  );
}

function leadByRules(text: string): Lead {
  const email = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/.exec(text)?.[0] ?? null;
  const contactName =
    /\b(?:I'm|I am|my name is|this is)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)/.exec(text)?.[1] ??
    /\n(?:Best|Regards|Cheers|Thanks|Kind regards),?\s*\n\s*([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)/.exec(text)?.[1] ??
    null;
  const domain = email ? email.split('@')[1]!.split('.')[0]! : null;
  const company =
    /\b(?:from|at|with)\s+([A-Z][\w&-]*(?:\s(?:[A-Z][\w&-]*|Ltd|GmbH|Inc|LLC))*)/.exec(text)?.[1] ??
    (domain && !/^(gmail|outlook|hotmail|yahoo|proton|icloud)$/i.test(domain) ? domain.charAt(0).toUpperCase() + domain.slice(1) : null);
  const need = /\b(?:we need|we're looking for|we are looking for|looking for|we want|interested in|need help with|need)\s+([^.,;!?\n]+)/i.exec(text)?.[1]?.trim() ?? null;
  const money = findMoney(text);
  return { company, contactName, email, need, budget: money?.amount ?? null, currency: money?.currency ?? null, timeline: timelineIn(text) };
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
