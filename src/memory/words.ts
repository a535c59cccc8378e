// One spelling per word, shared by the embedder, the rerank stage, the keyword search and entity
// matching, so that a note saying "Kessler’s" and a question saying "kessler" meet: lower case,
// accents folded ("Délacroix" → "delacroix", "Müller" → "muller"), curly apostrophes straightened,
// possessives dropped ("Lumen's", "Lumens'" → "lumen", "lumens"), other apostrophes joined
// ("don't" → "dont"), and anything that is not a letter or digit (hyphens, slashes) a word break.

/** Letters that Unicode does not decompose into a base letter and a mark. */
const UNDECOMPOSED: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', Æ: 'AE', Œ: 'OE', Ø: 'O', Ł: 'L', Đ: 'D', Ð: 'D', Þ: 'TH' };

/** Accents folded, case kept ("Délacroix" → "Delacroix", "Keßler" → "Kessler"): the one folding questions, values and words share. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøłđðþıÆŒØŁĐÐÞ]/g, (letter) => UNDECOMPOSED[letter]!);
}

export function normaliseText(text: string): string {
  return foldAccents(text.toLowerCase())
    .replace(/[\u2018\u2019\u02BC\u0060\u00B4]/g, "'")
    .replace(/(\p{L})'s\b/gu, '$1')
    .replace(/(\p{L})s'(?!\p{L})/gu, '$1s')
    .replace(/(\p{L})'(\p{L})/gu, '$1$2');
}

/** The words of a text, normalised; redaction placeholders such as [email] become their label. */
export function tokens(text: string): string[] {
  return normaliseText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
