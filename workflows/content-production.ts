// Produce a piece of content from a brief, e.g.
//   "A blog post for freelance designers about pricing by value instead of by the hour"
// Reads like the process: understand the brief, ask who it is for when it does not say, recall
// what was published before (cited),
// outline, draft and save the draft, let the operator approve it with a preview, publish it,
// tell the webhook, and remember what was published.
import { z } from 'zod';
import { rememberOutcome } from '../src/actions/remember.ts';
import { textFile } from '../src/actions/text-file.ts';
import { webhook } from '../src/actions/webhook.ts';
import { defineWorkflow, stepsFor, type StepContext } from '../src/conductor/workflow.ts';
import { citedLines, Recalled, recallBestEffort } from './shared/recall.ts';

const Input = z.object({
  brief: z.string().min(10, 'describe the piece, e.g. "a blog post for freelance designers about value pricing"'),
});
type Input = z.infer<typeof Input>;

// Nullable rather than optional: OpenAI's structured output wants every field.
const Brief = z.object({ topic: z.string().min(3), audience: z.string().nullable(), format: z.string(), tone: z.string(), keywords: z.array(z.string()) });
type Brief = z.infer<typeof Brief>;

const Outline = z.object({ title: z.string().min(3), sections: z.array(z.object({ heading: z.string(), points: z.array(z.string()) })).min(1) });
type Outline = z.infer<typeof Outline>;

const Draft = z.object({ markdown: z.string().min(20) });

const via = { via: z.enum(['model', 'fallback']) };
/** The brief with the audience the operator named, when it did not say. */
const brief = (ctx: StepContext<Input>): Brief => {
  const audience = ctx.outputIfRan(askAudience);
  return audience ? { ...ctx.output(readBrief), audience } : ctx.output(readBrief);
};
const slugOf = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/^-|-$/g, '') || 'untitled';

const step = stepsFor(Input);

const readBrief = step.extract({
  key: 'read-brief',
  title: 'Read the brief',
  input: z.string(),
  output: Brief.extend(via),
  from: (ctx) => ctx.input.brief,
  run: async (text, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'read-content-brief',
        schema: Brief,
        system: 'From a content brief, give the topic, the audience (null if not said), the format (e.g. blog post, newsletter), the tone and up to five keywords.',
        prompt: text,
        fallback: () => briefByRules(text),
      },
      ctx,
    );
    return { ...value, via: path };
  },
});

const askAudience = step.question({
  key: 'ask-audience',
  title: 'Ask who it is for',
  when: (ctx) => !ctx.output(readBrief).audience,
  ask: (ctx) => `Who is the ${ctx.output(readBrief).format} on "${ctx.output(readBrief).topic}" for? (e.g. "freelance designers", "small online shops")`,
  answer: z.string().trim().min(3, 'name the readers in a few words, e.g. "freelance designers"'),
});

const recallRelated = step.transform({
  key: 'recall-related',
  title: 'Recall what was published before',
  input: z.string(),
  output: Recalled,
  from: (ctx) => brief(ctx).topic,
  run: (topic, ctx) => recallBestEffort(ctx, `published ${topic}`, 3),
});

const outline = step.transform({
  key: 'outline',
  title: 'Outline',
  input: z.object({ brief: Brief, recalled: Recalled }),
  output: Outline.extend(via),
  from: (ctx) => ({ brief: brief(ctx), recalled: ctx.output(recallRelated) }),
  run: async ({ brief: read, recalled: related }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'outline-content',
        schema: Outline,
        system: 'Outline the piece: a specific title and three to five sections with two or three points each. Do not repeat what was published before.',
        prompt: `Brief: ${JSON.stringify(read)}\nPublished before:\n${citedLines(related) || 'nothing'}`,
        fallback: () => outlineByTemplate(read),
      },
      ctx,
    );
    return { ...value, via: path };
  },
});

const draft = step.transform({
  key: 'draft',
  title: 'Draft',
  input: z.object({ brief: Brief, outline: Outline, recalled: Recalled }),
  output: Draft.extend({ ...via, cited: z.array(z.number().int()) }),
  from: (ctx) => ({ brief: brief(ctx), outline: ctx.output(outline), recalled: ctx.output(recallRelated) }),
  run: async ({ brief: read, outline: plan, recalled: related }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'draft-content',
        schema: Draft,
        system: `Write the piece in Markdown from the outline, in a ${read.tone} tone, for ${read.audience ?? 'a general audience'}. Start with "# <title>". Where you build on an earlier publication, cite it as [n].`,
        prompt: `Outline: ${JSON.stringify(plan)}\nPublished before:\n${citedLines(related) || 'nothing'}`,
        fallback: () => draftByTemplate(read, plan, related),
      },
      ctx,
    );
    const cited = related.citations.filter((c) => value.markdown.includes(`[${c.n}]`)).map((c) => c.n);
    return { ...value, via: path, cited };
  },
});

const saveDraft = step.action({
  key: 'save-draft',
  title: 'Save the draft',
  executor: textFile('drafts'),
  from: (ctx) => ({ fileName: `${ctx.planId}-${slugOf(ctx.output(outline).title)}.md`, content: ctx.output(draft).markdown }),
});

const approvePublication = step.approval({
  key: 'approve-publication',
  title: 'Approve the publication',
  summary: (ctx) => {
    const { markdown } = ctx.output(draft);
    const preview = markdown.length > 600 ? `${markdown.slice(0, 600)}...` : markdown;
    const saved = ctx.output(saveDraft).file;
    return `Publish "${ctx.output(outline).title}"? Full draft: ${saved}\n\n${preview}`;
  },
});

const publish = step.action({
  key: 'publish',
  title: 'Publish',
  executor: textFile('published'),
  from: (ctx) => ({ fileName: `${slugOf(ctx.output(outline).title)}.md`, content: ctx.output(draft).markdown }),
});

const announce = step.action({
  key: 'announce',
  title: 'Tell the webhook',
  when: (ctx) => ctx.services.settings.webhook !== null,
  executor: webhook,
  from: (ctx) => ({
    event: 'content.published',
    data: { title: ctx.output(outline).title, file: ctx.output(publish).file, topic: brief(ctx).topic },
  }),
  retry: { maxAttempts: 5, initialDelayMs: 2000 },
});

const rememberPublication = step.action({
  key: 'remember-publication',
  title: 'Remember what was published',
  executor: rememberOutcome,
  from: (ctx) => ({
    kind: 'artifact',
    text: `Published "${ctx.output(outline).title}" (${ctx.output(publish).file}), a ${brief(ctx).format} on ${brief(ctx).topic} for ${brief(ctx).audience ?? 'a general audience'}.`,
    workflow: 'content-production',
    planId: ctx.planId,
    tags: ['published', ...brief(ctx).keywords.slice(0, 3)],
  }),
});

export default defineWorkflow({
  name: 'content-production',
  description: 'Produce content: brief, outline, draft, approval with a preview, publish, remember what was published.',
  input: Input,
  freeTextField: 'brief',
  plan: () => [readBrief, askAudience, recallRelated, outline, draft, saveDraft, approvePublication, publish, announce, rememberPublication],
});

const STOP_WORDS = new Set('about after again also because before being could every first from have into just more most other over some such than that their them then there these they this through under very what when where which while with would your post blog article piece write about'.split(' '));

function briefByRules(text: string): Brief {
  const format = /\b(blog post|newsletter|article|case study|linkedin post|guide)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'blog post';
  const audience = /\bfor\s+(.+?)(?=\s+(?:about|on|explaining|covering)\b|[,.;]|$)/i.exec(text)?.[1]?.trim() ?? null;
  const topic = /\b(?:about|on|explaining|covering)\s+(.+?)(?=[.;]|\s+for\s|$)/i.exec(text)?.[1]?.trim() ?? text.trim().slice(0, 80);
  const tone = /\b(formal|friendly|playful|practical|technical|casual)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'friendly and practical';
  const keywords = [...new Set((topic.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((word) => !STOP_WORDS.has(word)))].slice(0, 5);
  return { topic, audience, format, tone, keywords };
}

function outlineByTemplate(brief: Brief): Outline {
  const topic = brief.topic.charAt(0).toUpperCase() + brief.topic.slice(1);
  const audience = brief.audience ?? 'you';
  return {
    title: `${topic}: a practical guide${brief.audience ? ` for ${brief.audience}` : ''}`,
    sections: [
      { heading: `Why ${brief.topic} matters`, points: [`What changes for ${audience}`, 'The cost of leaving it as it is'] },
      { heading: 'How to start', points: ['The first small step', 'What to measure'] },
      { heading: 'Pitfalls to avoid', points: ['The most common mistake', 'How to notice it early'] },
      { heading: 'Next steps', points: ['A one-week plan', 'Where to learn more'] },
    ],
  };
}

function draftByTemplate(brief: Brief, outline: Outline, related: Recalled): { markdown: string } {
  const sections = outline.sections.map((section) => `## ${section.heading}\n\n${section.points.map((point) => `- ${point}`).join('\n')}`);
  // Cite earlier pieces that share a keyword with this one; recall may bring unrelated ones too.
  const onTopic = related.citations.filter((c) => brief.keywords.some((keyword) => c.snippet.toLowerCase().includes(keyword)));
  const earlier = onTopic.length > 0 ? `\n\nThis builds on earlier pieces ${onTopic.map((c) => `[${c.n}]`).join(' ')}.` : '';
  return {
    markdown: `# ${outline.title}\n\nA ${brief.format} on ${brief.topic}${brief.audience ? ` for ${brief.audience}` : ''}.${earlier}\n\n${sections.join('\n\n')}\n`,
  };
}
