/**
 * Same-run baseline for `npm run bench -- reading` (leads): how workflows/lead-qualification.ts
 * read a lead before issue 11, kept verbatim (its money helpers in money-rules.ts) so the new
 * readers are measured against it in the same run.
 */
import { findMoney } from './money-rules.ts';
export type RulesLead = {
  company: string | null;
  contactName: string | null;
  email: string | null;
  need: string | null;
  budget: number | null;
  currency: string | null;
  timeline: string | null;
};
type Lead = RulesLead;

function timelineIn(text: string): string | null {
  const months = 'January|February|March|April|May|June|July|August|September|October|November|December';
  return (
    new RegExp(`\\b(?:by|before|in|from|starting(?: in)?|start(?:ing)? in|live by|until)\\s+((?:early |mid |late |end of )?(?:${months}|Q[1-4]|next (?:week|month|quarter|year)|\\d{4})(?:\\s+\\d{4})?)`, 'i').exec(text)?.[0] ??
    /\bwithin\s+\d+\s+(?:days?|weeks?|months?)\b/i.exec(text)?.[0] ??
    /\b(?:asap|as soon as possible|urgently)\b/i.exec(text)?.[0] ??
    null
  );
}

export function leadByRules(text: string): Lead {
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
