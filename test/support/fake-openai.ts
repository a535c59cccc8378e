/**
 * A local OpenAI-compatible server for tests: give @langchain/openai (or any OpenAI client)
 * `baseUrl` as its base URL and any API key. Nothing leaves 127.0.0.1.
 *
 * - POST /v1/chat/completions answers structured-output requests the way @langchain/openai sends
 *   them: `response_format: {type: "json_schema", json_schema: {name, schema}}` (its default for
 *   gpt-4o-mini and later) gets the JSON as message content; `tools` + `tool_choice` (function
 *   calling) gets a tool call with the JSON as arguments. Tests choose the answer per schema or
 *   tool name with respond(); a request with no answer set gets HTTP 500 (so callers fall back).
 *   Plain chat requests get `reply` text. Every answer carries usage figures.
 * - POST /v1/embeddings returns deterministic vectors (hashed words, L2-normalised), so texts
 *   that share words are near each other; `dimensions` (default 64) sets their length.
 *
 * Every request is recorded in order with its parsed body and Authorization header.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from './listen.ts';

export interface OpenAIRequest {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

/** What a structured request is answered with: a value, or a function of the request. */
export type StructuredAnswer = unknown | ((request: ChatRequest) => unknown);

export interface ChatRequest {
  model: string;
  /** The json_schema name or the forced tool's name (@langchain/openai uses the `name` option). */
  name: string | null;
  messages: { role: string; content: string }[];
  /** The JSON schema the answer must match, when one was sent. */
  schema: unknown;
}

export type OpenAIFailure = { status: number; message?: string };

export interface FakeOpenAI {
  /** Base URL including /v1, as OPENAI_BASE_URL or ChatOpenAI's configuration.baseURL. */
  baseUrl: string;
  requests: OpenAIRequest[];
  requestsTo(path: '/v1/chat/completions' | '/v1/embeddings'): OpenAIRequest[];
  /** Answers structured requests named `name` (schema or tool name) with value from now on. */
  respond(name: string, answer: StructuredAnswer): void;
  /**
   * Chat requests are recorded as they arrive but answered only once the returned function is
   * called: several calls can then be under way at the same moment.
   */
  holdAnswers(): () => void;
  /** The next `count` chat requests fail with this HTTP status (e.g. 500, 429). */
  failNext(failure: OpenAIFailure, count?: number): void;
  /** Usage figures reported for each chat completion. */
  usage: { prompt_tokens: number; completion_tokens: number };
  /** Text answered to chat requests that ask for no structured output. */
  reply: string;
  /** Stops listening (connections are refused) but keeps the port, as an endpoint that went down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_EMBEDDING_DIMENSIONS = 64;

/**
 * A bag-of-words vector: each lower-cased word adds 1 to a hashed coordinate, so texts sharing
 * words have a high cosine similarity and unrelated ones about 0. Text without words gets a
 * fixed unit vector (never all zeros, which cosine distance cannot use).
 */
export function fakeEmbedding(text: string, dimensions = DEFAULT_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const index = createHash('sha256').update(word).digest().readUInt32BE(0) % dimensions;
    vector[index] = vector[index]! + 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  return vector.map((value) => value / (norm || 1));
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('');
  return '';
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: OpenAIRequest[] = [];
  const answers = new Map<string, StructuredAnswer>();
  const failures: OpenAIFailure[] = [];
  let completionCount = 0;
  let held: Promise<void> | null = null;
  const fake = {
    usage: { prompt_tokens: 120, completion_tokens: 40 },
    reply: 'OK',
  };

  function chatCompletion(body: Record<string, unknown>): { status: number; json: unknown } {
    const failure = failures.shift();
    if (failure) return { status: failure.status, json: { error: { message: failure.message ?? 'injected failure', type: 'server_error' } } };
    const responseFormat = body.response_format as { type?: string; json_schema?: { name?: string; schema?: unknown } } | undefined;
    const tools = body.tools as { type: string; function: { name: string; parameters?: unknown } }[] | undefined;
    const toolChoice = body.tool_choice as { function?: { name?: string } } | string | undefined;
    const forcedTool = typeof toolChoice === 'object' ? toolChoice.function?.name : tools?.length === 1 ? tools[0]!.function.name : undefined;
    const schemaName = responseFormat?.type === 'json_schema' ? (responseFormat.json_schema?.name ?? null) : null;
    const name = schemaName ?? forcedTool ?? null;
    const request: ChatRequest = {
      model: String(body.model),
      name,
      messages: ((body.messages as { role: string; content: unknown }[] | undefined) ?? []).map((m) => ({ role: m.role, content: messageText(m.content) })),
      schema: responseFormat?.json_schema?.schema ?? tools?.find((tool) => tool.function.name === forcedTool)?.function.parameters ?? null,
    };
    completionCount += 1;
    const id = `chatcmpl-fake-${completionCount}`;
    // As OpenAI does: an answer longer than the request's limit stops there, cut off, with finish_reason "length".
    const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Number.POSITIVE_INFINITY);
    const cut = fake.usage.completion_tokens > limit;
    const completionTokens = Math.min(fake.usage.completion_tokens, limit);
    const usage = { prompt_tokens: fake.usage.prompt_tokens, completion_tokens: completionTokens, total_tokens: fake.usage.prompt_tokens + completionTokens };
    const base = { id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: request.model, usage, system_fingerprint: 'fake' };
    if (name === null) {
      return { status: 200, json: { ...base, choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: fake.reply, refusal: null } }] } };
    }
    if (!answers.has(name)) return { status: 500, json: { error: { message: `fake-openai has no answer for "${name}"; call respond("${name}", ...)`, type: 'server_error' } } };
    const answer = answers.get(name);
    const value = typeof answer === 'function' ? (answer as (r: ChatRequest) => unknown)(request) : answer;
    const whole = JSON.stringify(value);
    const json = cut ? whole.slice(0, Math.floor(whole.length / 2)) : whole;
    const message = schemaName
      ? { role: 'assistant', content: json, refusal: null }
      : { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${completionCount}`, type: 'function', function: { name, arguments: json } }] };
    return { status: 200, json: { ...base, choices: [{ index: 0, finish_reason: cut ? 'length' : schemaName ? 'stop' : 'tool_calls', logprobs: null, message }] } };
  }

  function embeddings(body: Record<string, unknown>): { status: number; json: unknown } {
    const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_EMBEDDING_DIMENSIONS;
    const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)));
    const tokens = texts.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
    return {
      status: 200,
      json: {
        object: 'list',
        model: String(body.model),
        data: texts.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text, dimensions) })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      let body: Record<string, unknown>;
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'body is not JSON' } }));
        return;
      }
      requests.push({ path, body, authorization: req.headers.authorization, at: Date.now() });
      if (held && path === '/v1/chat/completions') void held.then(() => answer(path, body));
      else answer(path, body);
    });
    function answer(path: string, body: Record<string, unknown>) {
      const reply =
        req.method !== 'POST'
          ? { status: 405, json: { error: { message: 'POST only' } } }
          : path === '/v1/chat/completions'
            ? body.stream
              ? { status: 400, json: { error: { message: 'fake-openai does not stream; call without streaming' } } }
              : chatCompletion(body)
            : path === '/v1/embeddings'
              ? embeddings(body)
              : { status: 404, json: { error: { message: `no route ${path}` } } };
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
    }
  });
  const listen = (port: number) => listenOnLoopback(server, port);
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      if (!server.listening) return resolve();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return Object.assign(fake, {
    baseUrl,
    requests,
    requestsTo: (path: string) => requests.filter((request) => request.path === path),
    respond: (name: string, answer: StructuredAnswer) => void answers.set(name, answer),
    holdAnswers: () => {
      let release = () => undefined as void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = null;
        release();
      };
    },
    failNext: (failure: OpenAIFailure, count = 1) => {
      for (let i = 0; i < count; i += 1) failures.push(failure);
    },
    stop: close,
    restart: () => listen(port),
    close,
  });
}
