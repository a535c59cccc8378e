/**
 * Same-run baseline for `npm run bench -- reading` (briefs): how workflows/content-production.ts
 * read a brief before issue 11, kept verbatim so the new reader is measured against it in the
 * same run.
 */
export type RulesBrief = { topic: string; audience: string | null; format: string; tone: string; keywords: string[] };
type Brief = RulesBrief;

const STOP_WORDS = new Set('about after again also because before being could every first from have into just more most other over some such than that their them then there these they this through under very what when where which while with would your post blog article piece write about'.split(' '));

export function briefByRules(text: string): Brief {
  const format = /\b(blog post|newsletter|article|case study|linkedin post|guide)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'blog post';
  const audience = /\bfor\s+(.+?)(?=\s+(?:about|on|explaining|covering)\b|[,.;]|$)/i.exec(text)?.[1]?.trim() ?? null;
  const topic = /\b(?:about|on|explaining|covering)\s+(.+?)(?=[.;]|\s+for\s|$)/i.exec(text)?.[1]?.trim() ?? text.trim().slice(0, 80);
  const tone = /\b(formal|friendly|playful|practical|technical|casual)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'friendly and practical';
  const keywords = [...new Set((topic.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((word) => !STOP_WORDS.has(word)))].slice(0, 5);
  return { topic, audience, format, tone, keywords };
}
