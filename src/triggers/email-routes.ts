// Inbound e-mail routing: IMAP_ROUTES_FILE names a JSON file saying which workflow a message in
// the watched mailbox starts (the first route whose recipient, sender and subject all match, else
// the default), with what input and where its card goes. Checked by this schema at start-up; a
// file that does not fit stops start-up with what to fix.
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/config.ts';
import { Channel } from './channel.ts';

/** What a route's input templates may name. */
export const EMAIL_PLACEHOLDERS = ['email', 'from', 'subject', 'body'] as const;

const Target = z.object({
  workflow: z.string().regex(/^[a-z0-9-]+$/, 'a workflow name, e.g. lead-qualification'),
  /**
   * Workflow input field → template: {{email}} is the message as text (From, To, Date and Subject
   * lines, then the text body), {{from}} the sender's address, {{subject}}, {{body}} the text alone.
   */
  input: z
    .record(z.string(), z.string())
    .refine((map) => Object.keys(map).length > 0, 'map at least one workflow input field, e.g. {"text": "{{email}}"}')
    .refine(
      (map) => Object.values(map).every((template) => [...template.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].every((m) => (EMAIL_PLACEHOLDERS as readonly string[]).includes(m[1]!))),
      `templates may name ${EMAIL_PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}`,
    ),
  /** Where the plans' cards go; without it they show in the local workspace. */
  channel: Channel.optional(),
});

/** Each given matcher is a case-insensitive part of the field: "leads@" matches leads@example.com. */
const Route = Target.extend({
  to: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  subject: z.string().min(1).optional(),
}).refine((route) => route.to || route.from || route.subject, 'a route matches on to, from or subject (put a catch-all in "default")');
export type Route = z.infer<typeof Route>;

export const EmailRoutes = z.object({
  routes: z.array(Route).default([]),
  /** For a message no route matches; without it such a message starts nothing and is recorded with the reason. */
  default: Target.optional(),
});
export type EmailRoutes = z.infer<typeof EmailRoutes>;
export type EmailTarget = z.infer<typeof Target>;

/** The parts of a message routes match on. */
export interface Envelope {
  to: string[];
  from: string;
  subject: string;
}

const contains = (value: string, part: string | undefined) => part === undefined || value.toLowerCase().includes(part.toLowerCase());

/** The target of the first matching route, else the default; null when neither applies. */
export function routeOf(routes: EmailRoutes, envelope: Envelope): EmailTarget | null {
  const route = routes.routes.find(
    (candidate) => (candidate.to === undefined || envelope.to.some((address) => contains(address, candidate.to))) && contains(envelope.from, candidate.from) && contains(envelope.subject, candidate.subject),
  );
  return route ?? routes.default ?? null;
}

/** The routes in file, or a ConfigError that lists every problem with its place. */
export function loadEmailRoutes(file: string, workflows: readonly string[]): EmailRoutes {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Operator cannot start: IMAP_ROUTES_FILE ${file} is not readable JSON (${(error as Error).message}).`);
  }
  const parsed = EmailRoutes.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  if (parsed.success) {
    const targets: [string, EmailTarget][] = [...parsed.data.routes.map((route, index): [string, EmailTarget] => [`routes.${index}`, route]), ...(parsed.data.default ? [['default', parsed.data.default] as [string, EmailTarget]] : [])];
    for (const [place, target] of targets) {
      if (!workflows.includes(target.workflow)) problems.push(`  ${place}.workflow: ${target.workflow} does not exist (known: ${workflows.join(', ')})`);
    }
  }
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new ConfigError(`Operator cannot start; fix these e-mail routes in ${file}:\n${problems.join('\n')}`);
}
