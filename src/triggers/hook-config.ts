// Inbound webhook settings: INBOUND_HOOKS_FILE names a JSON file of hooks, checked by this schema
// at start-up; a hook that does not fit stops start-up with what to fix.
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/config.ts';
import { Channel } from './channel.ts';


export const HookSettings = z.object({
  workflow: z.string().regex(/^[a-z0-9-]+$/, 'a workflow name, e.g. lead-qualification'),
  /** hmac: X-Operator-Signature over "<X-Operator-Timestamp>.<body>"; bearer: Authorization: Bearer <secret>. */
  auth: z.enum(['hmac', 'bearer'], { error: 'auth is hmac (the sender signs) or bearer (a token, where the sender cannot sign)' }).default('hmac'),
  secret: z.string().min(16, 'use at least 16 random characters (openssl rand -hex 32)'),
  /**
   * Workflow input field → template over the body's fields: "{{name}} <{{email}}>: {{message}}".
   * A template that is one placeholder keeps the value's type (numbers stay numbers).
   */
  input: z.record(z.string(), z.string()).refine((map) => Object.keys(map).length > 0, 'map at least one workflow input field, e.g. {"text": "{{message}}"}'),
  /** Where the delivery id is: "header:<name>" or "body:<field>". */
  deliveryId: z
    .string()
    .regex(/^(header|body):[\w.-]+$/, 'write header:<name> or body:<field>, e.g. header:x-delivery-id')
    .default('header:x-operator-delivery'),
  /** Where the plans' cards go; without it they show in the local workspace. */
  channel: Channel.optional(),
  maxBodyBytes: z.number().int().min(256).max(10_000_000).default(65_536),
  /** Deliveries per minute this replica accepts for the hook; more get 429. */
  ratePerMinute: z.number().int().min(1).max(100_000).default(60),
});
export type HookSettings = z.infer<typeof HookSettings>;

const HOOK_NAME = /^[a-z0-9-]+$/;

export const HooksFile = z.record(z.string(), HookSettings);
export type Hooks = z.infer<typeof HooksFile>;

/** The hooks in file, or a ConfigError that lists every problem with its place. */
export function loadHooks(file: string): Hooks {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Operator cannot start: INBOUND_HOOKS_FILE ${file} is not readable JSON (${(error as Error).message}).`);
  }
  const parsed = HooksFile.safeParse(raw);
  // Names become URL paths (/hooks/<name>): checked apart, so a bad name's settings are checked too.
  const badNames = Object.keys(typeof raw === 'object' && raw !== null ? raw : {}).filter((name) => !HOOK_NAME.test(name));
  if (parsed.success && badNames.length === 0) return parsed.data;
  const problems = [
    ...badNames.map((name) => `  ${name}: hook names are lowercase words with dashes, e.g. contact-form`),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`)),
  ];
  throw new ConfigError(`Operator cannot start; fix these inbound hooks in ${file}:\n${problems.join('\n')}`);
}
