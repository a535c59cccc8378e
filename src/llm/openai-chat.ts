// The chat model behind model-backed steps: @langchain/openai against OpenAI or any
// OpenAI-compatible server (OPENAI_BASE_URL), asked for structured output that matches a zod
// schema. Parsing and validation of the answer happen in model-port.ts, which owns the fallback.
import { HumanMessage, SystemMessage, type AIMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import type { z } from 'zod';
import type { Config } from '../config/config.ts';

export interface ChatRequest {
  task: string;
  schema: z.ZodType;
  system: string;
  prompt: string;
  /** The answer stops at this many tokens (the budget reserved them all). */
  maxAnswerTokens: number;
}

export interface ChatAnswer {
  /** The answer as the model gave it, not yet checked against the schema. */
  parsed: unknown;
  promptTokens: number;
  completionTokens: number;
}

export interface StructuredChat {
  readonly model: string;
  ask(request: ChatRequest): Promise<ChatAnswer>;
}

/** A slow model must not hold a step past its own timeout (30 s by default); one quick retry. */
const REQUEST_TIMEOUT_MS = 20_000;
const MAX_RETRIES = 1;

/** OpenAI names a structured answer like a function: letters, digits, _ and -, at most 64. */
const functionName = (task: string) => task.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'answer';

/** The configured chat model, or null when OPENAI_API_KEY is unset (steps then use their fallbacks). */
export function createOpenAIChat(config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_MODEL'>): StructuredChat | null {
  if (!config.OPENAI_API_KEY) return null;
  // ChatOpenAI takes the answer's limit when it is made, so there is one client per limit in use.
  const clients = new Map<number, ChatOpenAI>();
  const clientFor = (maxTokens: number) => {
    let chat = clients.get(maxTokens);
    if (!chat) {
      chat = new ChatOpenAI({
        model: config.OPENAI_MODEL,
        apiKey: config.OPENAI_API_KEY,
        configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
        temperature: 0,
        timeout: REQUEST_TIMEOUT_MS,
        maxRetries: MAX_RETRIES,
        maxTokens,
      });
      clients.set(maxTokens, chat);
    }
    return chat;
  };
  return {
    model: config.OPENAI_MODEL,
    async ask({ task, schema, system, prompt, maxAnswerTokens }) {
      const structured = clientFor(maxAnswerTokens).withStructuredOutput(schema, { name: functionName(task), includeRaw: true });
      const { raw, parsed } = await structured.invoke([new SystemMessage(system), new HumanMessage(prompt)]);
      const usage = (raw as AIMessage).usage_metadata;
      return { parsed, promptTokens: usage?.input_tokens ?? 0, completionTokens: usage?.output_tokens ?? 0 };
    },
  };
}
