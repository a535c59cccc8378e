// Produce a piece of content from a brief, e.g.
//   "Write a blog post on pricing retainers, aimed at non-technical founders. Friendly tone,
//    ~1200 words, by next Thursday."
// Reads like the process: read the brief (topic, audience, tone, format, length, deadline, each
// with the words it came from), ask for the topic or the readers when the brief does not say
// them surely, recall what was published before and the operator's notes (cited), outline from
// the brief's specifics, draft (with no model configured the draft is the outline, labelled as
// one), save it, let the operator approve it with a preview, publish it, tell the webhook, and
// remember what was published.
import { z } from 'zod';
import { rememberOutcome } from '../src/actions/remember.ts';
import { textFile } from '../src/actions/text-file.ts';
import { webhook } from '../src/actions/webhook.ts';
import { defineWorkflow, stepsFor, type StepContext } from '../src/conductor/workflow.ts';
import { FORMATS, readBrief, TONES } from '../src/reading/brief.ts';
import { Deadline } from '../src/reading/dates.ts';
import { fieldOf, spanAt, type Field } from '../src/reading/field.ts';
import { NOT_KNOWN, questionAbout, TAKES_DEFAULT } from './shared/clarify.ts';
import { citedLines, Recalled, recallBestEffort } from './shared/recall.ts';

const Input = z.object({
  brief: z.string().min(10, 'describe the piece, e.g. "a blog post for freelance designers about value pricing"'),
});
type Input = z.infer<typeof Input>;

const ReadBriefFields = z.object({
  topic: fieldOf(z.string().nullable()),
  audience: fieldOf(z.string().nullable()),
  tone: fieldOf(z.enum(TONES).nullable()),
  format: fieldOf(z.enum(FORMATS).nullable()),
  wordCount: fieldOf(z.number().nullable()),
  deadline: fieldOf(Deadline.nullable()),
  via: z.enum(['model', 'fallback']),
});

/** The brief as the outline and the draft use it, topic and readers settled. */
const Brief = z.object({
  topic: z.string(),
  audience: z.string().nullable(),
  tone: z.string().nullable(),
  format: z.string(),
  wordCount: z.number().nullable(),
  deadline: z.string().nullable(),
});
type Brief = z.infer<typeof Brief>;

/** What a model answers when asked to read a brief (nullable: OpenAI's structured output wants every field). */
const ModelBrief = z.object({ topic: z.string().nullable(), audience: z.string().nullable(), format: z.string().nullable(), tone: z.string().nullable() });

const Outline = z.object({ title: z.string().min(3), sections: z.array(z.object({ heading: z.string(), points: z.array(z.string()) })).min(1) });
type Outline = z.infer<typeof Outline>;

const Draft = z.object({ markdown: z.string().min(20) });

const via = { via: z.enum(['model', 'fallback']) };
const slugOf = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/^-|-$/g, '') || 'untitled';
const settled = (answer: string | undefined, field: Field<string | null>) => (answer === undefined || TAKES_DEFAULT.test(answer) ? field.value : NOT_KNOWN.test(answer) ? null : answer);

/** The brief with the topic and readers the operator named where the text did not say them surely. */
const brief = (ctx: StepContext<Input>): Brief => {
  const read = ctx.output(readBriefStep);
  return {
    topic: settled(ctx.outputIfRan(askTopic), read.topic) ?? 'the topic of the brief',
    audience: settled(ctx.outputIfRan(askAudience), read.audience),
    tone: read.tone.value,
    format: read.format.value ?? 'blog post',
    wordCount: read.wordCount.value,
    deadline: read.deadline.value?.by ?? null,
  };
};

const step = stepsFor(Input);

const readBriefStep = step.extract({
  key: 'read-brief',
  title: 'Read the brief',
  input: z.string(),
  output: ReadBriefFields,
  from: (ctx) => ctx.input.brief,
  run: async (text, ctx) => {
    const rules = await readBrief(text, new Date());
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'read-content-brief',
        schema: ModelBrief,
        system: 'From a content brief, give the topic and the audience in the brief\'s own words (null if not said), the format (e.g. blog post, newsletter) and the tone.',
        prompt: text,
        fallback: () => ({ topic: null, audience: null, format: null, tone: null }),
      },
      ctx,
    );
    // A model's topic or readers count only in the brief's own words; otherwise the rules' reading stands.
    const inText = (said: string | null, read: Field<string | null>): Field<string | null> => {
      const at = said ? text.toLowerCase().indexOf(said.toLowerCase()) : -1;
      return said && at >= 0 ? { value: said, evidence: { kind: 'span', span: spanAt(text, at, at + said.length) }, confidence: Math.max(read.confidence, 0.9), via: 'model' } : read;
    };
    const checked = path === 'model' ? { topic: inText(value.topic, rules.topic), audience: inText(value.audience, rules.audience) } : {};
    return { ...rules, ...checked, via: path };
  },
});

const read = (ctx: StepContext<Input>) => ctx.output(readBriefStep);

const askTopic = step.question({
  key: 'ask-topic',
  title: 'Ask what it is about',
  when: (ctx) => read(ctx).topic.confidence < 0.9,
  ask: (ctx) => questionAbout(ctx.input.brief, read(ctx).topic, { question: `What should the ${read(ctx).format.value ?? 'piece'} be about?`, shown: (v) => `"${v}"`, typeInstead: 'type the topic in a few words, e.g. "pricing retainers"' }),
  answer: z.string().trim().min(3, 'the topic in a few words, e.g. "pricing retainers", or "yes" to use my reading'),
});

const askAudience = step.question({
  key: 'ask-audience',
  title: 'Ask who it is for',
  when: (ctx) => read(ctx).audience.confidence < 0.9,
  ask: (ctx) => {
    const topic = settled(ctx.outputIfRan(askTopic), read(ctx).topic);
    return questionAbout(ctx.input.brief, read(ctx).audience, {
      question: `Who is the ${read(ctx).format.value ?? 'piece'}${topic ? ` on "${topic}"` : ''} for?`,
      shown: (v) => `"${v}"`,
      typeInstead: 'name the readers, e.g. "freelance designers", "small online shops"',
    });
  },
  answer: z.string().trim().min(3, 'name the readers in a few words, e.g. "freelance designers"'),
});

const recallRelated = step.transform({
  key: 'recall-related',
  title: 'Recall what was published before',
  input: z.object({ topic: z.string(), planId: z.string() }),
  output: Recalled,
  from: (ctx) => ({ topic: brief(ctx).topic, planId: ctx.planId }),
  run: async ({ topic, planId }, ctx) => {
    const recalled = await recallBestEffort(ctx, `published ${topic}`, 5);
    // Numbered again after the filter, so the draft cites [1], [2] ... of what it may cite.
    const citations = recalled.citations.filter((c) => citable(c, planId, topic)).slice(0, 3).map((c, i) => ({ ...c, n: i + 1 }));
    return { ...recalled, citations };
  },
});

const outline = step.transform({
  key: 'outline',
  title: 'Outline',
  input: z.object({ brief: Brief, recalled: Recalled }),
  output: Outline.extend(via),
  from: (ctx) => ({ brief: brief(ctx), recalled: ctx.output(recallRelated) }),
  run: async ({ brief: wanted, recalled: related }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'outline-content',
        schema: Outline,
        system: 'Outline the piece: a specific title and three to five sections with two or three points each. Do not repeat what was published before.',
        prompt: `Brief: ${JSON.stringify(wanted)}\nPublished before:\n${citedLines(related) || 'nothing'}`,
        fallback: () => outlineFromBrief(wanted),
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
  run: async ({ brief: wanted, outline: plan, recalled: related }, ctx) => {
    const { value, path } = await ctx.services.model.structured(
      {
        task: 'draft-content',
        schema: Draft,
        system: `Write the piece in Markdown from the outline, in a ${wanted.tone ?? 'clear'} tone, for ${wanted.audience ?? 'a general audience'}${wanted.wordCount ? `, about ${wanted.wordCount} words` : ''}. Start with "# <title>". Where you build on an earlier publication, cite it as [n].`,
        prompt: `Outline: ${JSON.stringify(plan)}\nPublished before:\n${citedLines(related) || 'nothing'}`,
        // A word is about 1.3 tokens of English; room for the title, headings and a longer piece than asked.
        maxAnswerTokens: Math.ceil((wanted.wordCount ?? 1500) * 2) + 300,
        fallback: () => outlineAsMarkdown(wanted, plan, related),
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
    tags: ['published', ...[...wordsOf(brief(ctx).topic)].slice(0, 3)],
  }),
});

export default defineWorkflow({
  name: 'content-production',
  // A draft nobody looks at for a day goes up the escalation chain (thread, direct message, e-mail); it is never published by the deadline.
  gateDeadline: { afterMinutes: 24 * 60, then: 'escalate' },
  description: 'Produce content: brief, outline, draft, approval with a preview, publish, remember what was published.',
  input: Input,
  freeTextField: 'brief',
  plan: () => [readBriefStep, askTopic, askAudience, recallRelated, outline, draft, saveDraft, approvePublication, publish, announce, rememberPublication],
});

const STOP_WORDS = new Set('about after again also because before being could every first from have into just more most other over some such than that their them then there these they this through under very what when where which while with would your post blog article piece write'.split(' '));
const wordsOf = (text: string) => new Set((text.toLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((word) => !STOP_WORDS.has(word)));

/**
 * What a piece may cite: pieces published before (remembered by this workflow) and the
 * operator's own notes, on the topic; never this plan's own memories (its answers, its saved
 * draft) nor any plan's step records (answers to questions, unpublished drafts).
 */
function citable(citation: Recalled['citations'][number], planId: string, topic: string): boolean {
  if (citation.link?.startsWith(`plan:${planId}`)) return false;
  const published = citation.kind === 'artifact' && citation.snippet.startsWith('Published "') && !citation.link?.includes('#');
  const note = citation.source !== 'plan';
  if (!published && !note) return false;
  const topicWords = wordsOf(topic);
  return [...wordsOf(citation.snippet)].some((word) => topicWords.has(word));
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Sections that follow the format's shape, filled with the brief's own topic, readers and length. */
function outlineFromBrief(wanted: Brief): Outline {
  const readers = wanted.audience ?? 'the readers';
  const topic = wanted.topic;
  const shapes: Record<string, [string, string[]][]> = {
    'case study': [
      [`The situation before ${topic}`, [`Who ${readers} are and what they faced`, 'What was at stake']],
      ['What was done', ['The approach and why it was chosen', 'The steps, in order']],
      ['Results', ['The numbers that changed', `What ${readers} can take from it`]],
    ],
    newsletter: [
      [`This issue: ${topic}`, [`Why it matters to ${readers} now`]],
      ['The main story', [`What ${readers} need to know about ${topic}`, 'One example']],
      ['What to do next', ['One action to take this week']],
    ],
    guide: [
      [`Before you start with ${topic}`, [`What ${readers} need to have in place`, 'What it takes']],
      ['Step by step', [`The steps of ${topic}, in order`, 'What to check after each']],
      ['Common mistakes', ['Where people go wrong', 'How to recover']],
      ['Checklist', ['The whole process on one page']],
    ],
    'linkedin post': [
      ['Hook', [`One line that makes ${readers} stop on ${topic}`]],
      ['The point', ['The one insight, with one example']],
      ['Call to action', ['What to do or ask next']],
    ],
  };
  const sections = (shapes[wanted.format] ?? [
    [`Why ${topic} matters to ${readers}`, ['The problem in their words', 'What it costs to leave it']],
    [`${capitalise(topic)} in practice`, ['How it works', 'An example']],
    ['What to do next', [`A first step for ${readers}`]],
  ]).map(([heading, points]) => ({ heading, points }));
  return { title: `${capitalise(topic)}${wanted.audience ? `, for ${wanted.audience}` : ''}`, sections };
}

/** With no model, the draft is the outline, said plainly; related earlier pieces are listed, not claimed as built on. */
function outlineAsMarkdown(wanted: Brief, plan: Outline, related: Recalled): { markdown: string } {
  const spec = [
    `${capitalise(wanted.format)}`,
    wanted.audience ? `for ${wanted.audience}` : null,
    wanted.tone ? `${wanted.tone} tone` : null,
    wanted.wordCount ? `about ${wanted.wordCount} words` : null,
    wanted.deadline ? `due ${wanted.deadline}` : null,
  ].filter(Boolean).join(', ');
  const sections = plan.sections.map((section) => `## ${section.heading}\n\n${section.points.map((point) => `- ${point}`).join('\n')}`);
  const earlier = related.citations.length > 0 ? `\n\nRelated earlier pieces: ${related.citations.map((c) => `[${c.n}] ${c.snippet.slice(0, 80)}`).join('; ')}.` : '';
  return {
    markdown: `# ${plan.title}\n\n_Outline, not the finished piece: ${spec}. With a model configured (OPENAI_API_KEY), Operator writes the prose from it._${earlier}\n\n${sections.join('\n\n')}\n`,
  };
}
