// Remembers a plan's outcome (a qualified lead, a publication, a sent invoice) in memory, so
// later plans recall it with a citation. An action, not a computation: it changes what memory
// holds. The plan link makes a re-run after a crash a duplicate that memory recognises.
import { z } from 'zod';
import type { ActionExecutor } from '../conductor/workflow.ts';

const Outcome = z.object({
  kind: z.enum(['fact', 'decision', 'customer_note', 'artifact']),
  text: z.string().min(1),
  workflow: z.string(),
  planId: z.string(),
  tags: z.array(z.string()).default([]),
});
type Outcome = z.infer<typeof Outcome>;

const Remembered = z.object({ id: z.string(), duplicate: z.boolean() });

export const rememberOutcome: ActionExecutor<Outcome, z.infer<typeof Remembered>> = {
  name: 'remember',
  writesMemory: true,
  input: Outcome,
  output: Remembered,
  perform: ({ kind, text, workflow, planId, tags }, { services }) =>
    services.memory.remember(
      { kind, text, source: 'plan', link: `plan:${planId}`, workflow, tags, createdBy: `plan:${planId}` },
      { planId, workflow, stepKey: 'remember' },
    ),
  preview: ({ kind, text }) => ({ says: `remember (${kind.replace('_', ' ')}): ${text.length > 200 ? `${text.slice(0, 199)}…` : text}`, output: { id: 'none (dry run)', duplicate: false } }),
};
