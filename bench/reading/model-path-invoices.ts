/**
 * The model path on the invoice corpus: each request goes through @langchain/openai (the same
 * client the service uses) to the local OpenAI-compatible test server, which answers with the
 * case's labeled reading, except that it is made to lie: every third answer bills a wrong amount
 * (the first line's price times ten, or its quantity as its price, in turn) and every third a
 * customer the request never names. Two more calls fail (HTTP 500, an answer out of contract)
 * and must fall back to the rules. Every answer is then checked against the text as the workflow
 * checks it (src/reading/invoice-model.ts). A lie is caught when the plan asks about the field
 * or shows the amount for approval before anything is issued.
 */
import { createOpenAIChat } from '../../src/llm/openai-chat.ts';
import { readInvoiceRequest } from '../../src/reading/invoice.ts';
import { answerOf, groundModelAnswer, ModelInvoiceAnswer } from '../../src/reading/invoice-model.ts';
import { startFakeOpenAI, type ChatRequest } from '../../test/support/fake-openai.ts';
import type { CorpusCase, Figure } from '../reading.ts';
import { labeled, outcomeOfReading, silentError } from './invoices.ts';

export const kind = 'invoices';

type Lie = 'amount-times-ten' | 'quantity-as-price' | 'customer' | null;

function answerFor(expected: ReturnType<typeof labeled>[number]['expected'], lie: Lie): ModelInvoiceAnswer {
  const lines = expected.lines.flatMap((l) => (l.quantity !== null && l.unitPrice !== null ? [{ description: l.description, quantity: l.quantity, unit: l.unit ?? 'item', unitPrice: l.unitPrice }] : []));
  const [first, ...rest] = lines;
  const lied = first && lie === 'amount-times-ten' ? [{ ...first, unitPrice: first.unitPrice * 10 }, ...rest] : first && lie === 'quantity-as-price' && first.quantity !== first.unitPrice ? [{ ...first, unitPrice: first.quantity }, ...rest] : lines;
  return { customer: lie === 'customer' ? 'Northwind Traders' : expected.customer, lines: lied, currency: expected.currency, taxRatePercent: expected.taxRatePercent };
}

export async function* evaluate(cases: CorpusCase[]): AsyncGenerator<Figure> {
  const fake = await startFakeOpenAI();
  try {
    const chat = createOpenAIChat({ OPENAI_API_KEY: 'bench-key', OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODEL: 'gpt-4o-mini' })!;
    const all = labeled(cases);
    const lies = new Map(all.map((c, i) => [c.text, i % 3 === 0 ? (i % 2 === 0 ? 'amount-times-ten' : 'quantity-as-price') : i % 3 === 1 ? 'customer' : null] as const));
    const byText = new Map(all.map((c) => [c.text, c]));
    fake.respond('read-invoice-request', (request: ChatRequest) => {
      const text = request.messages.at(-1)!.content;
      const c = byText.get(text);
      // An answer out of contract: LangChain's own zod check throws, and the caller falls back.
      if (text === all[1]!.text) return { customer: 42, lines: 'three days' };
      return c ? answerFor(c.expected, lies.get(text) ?? null) : { customer: null, lines: [], currency: null, taxRatePercent: null };
    });
    fake.failNext({ status: 500, message: 'overloaded' }, 2); // the first call and LangChain's one retry

    const results = { lies: 0, caught: 0, silent: { test: 0, dev: 0 }, failures: 0, fellBack: 0 };
    for (const c of all) {
      const rules = await readInvoiceRequest(c.text);
      let reading = rules;
      try {
        const answer = await chat.ask({ task: 'read-invoice-request', schema: ModelInvoiceAnswer, system: 'You turn an invoicing request into line items.', prompt: c.text, maxAnswerTokens: 500 });
        const parsed = ModelInvoiceAnswer.safeParse(answer.parsed);
        if (parsed.success) reading = groundModelAnswer(c.text, parsed.data, rules);
        else throw new Error('the answer does not fit the contract');
      } catch {
        // As the workflow's model port does: a failed call or an answer out of contract is read by the rules.
        results.failures += 1;
        if (JSON.stringify(answerOf(reading)) === JSON.stringify(answerOf(rules))) results.fellBack += 1;
      }
      const outcome = outcomeOfReading(c.text, reading);
      const lie = lies.get(c.text) ?? null;
      const told = lie !== null && reading !== rules && (lie === 'customer' ? c.expected.customer !== null : c.expected.lines.some((l) => l.unitPrice !== null));
      if (told) {
        results.lies += 1;
        const field = lie === 'customer' ? 'customer' : 'lines';
        if (outcome.refused || outcome.asked.includes(field) || outcome.shown) results.caught += 1;
      }
      if (silentError(c, outcome)) results.silent[c.split] += 1;
    }
    yield { metric: 'model_wrong_answers', value: results.lies, unit: 'count' };
    yield { metric: 'model_wrong_answers_caught', value: results.lies === 0 ? 1 : results.caught / results.lies, unit: 'ratio', goal: '1' };
    yield { metric: 'model_silent_errors', split: 'test', value: results.silent.test, unit: 'count', goal: '0' };
    yield { metric: 'model_silent_errors', split: 'dev', value: results.silent.dev, unit: 'count', goal: '0' };
    yield { metric: 'model_failures_fell_back_to_rules', value: results.failures === 0 ? 1 : results.fellBack / results.failures, unit: 'ratio', goal: '1' };
  } finally {
    await fake.close();
  }
}
