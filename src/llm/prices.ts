// What model tokens cost, in US dollars per million tokens (input, output), from the providers'
// published price lists. Cost per plan and per workflow is computed from this table at the time
// of the call and stored with it, so a later price change does not rewrite history.

export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

const PRICES: Record<string, TokenPrice> = {
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0 },
  'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0 },
};

/**
 * The price of a model: an exact entry, else the longest entry the name starts with (dated
 * snapshots such as gpt-4o-mini-2024-07-18), else null (a local or unknown model: cost 0).
 */
export function priceOf(model: string): TokenPrice | null {
  if (PRICES[model]) return PRICES[model];
  const prefix = Object.keys(PRICES)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? PRICES[prefix]! : null;
}

export function costUsd(model: string, usage: { promptTokens: number; completionTokens: number }): number {
  const price = priceOf(model);
  if (!price) return 0;
  return (usage.promptTokens * price.inputPerMillion + usage.completionTokens * price.outputPerMillion) / 1_000_000;
}
