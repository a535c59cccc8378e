// Pay a supplier from a request typed in chat, e.g.
//   "Pay Acme Ltd 1250.00 EUR for invoice INV-42 to IBAN DE89 3704 0044 0532 0130 00"
// Reads like the process: understand the request, ask for what is missing, check it, prepare
// the payment, let the operator approve it, then queue it. It uses every kind of step.
import { z } from 'zod';
import { fileDrop } from '../src/actions/file-drop.ts';
import { NonRetryableError } from '../src/conductor/retry.ts';
import { defineWorkflow, stepsFor } from '../src/conductor/workflow.ts';

const Iban = z
  .string()
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .refine(isValidIban, 'not a valid IBAN (check the country code, length and check digits)');

const Input = z.object({
  request: z.string().min(10, 'describe the payment, e.g. "Pay Acme Ltd 1250 EUR for invoice INV-42 to IBAN DE89..."'),
  /** Payments above this need a second look; the approval gate always applies. */
  limit: z.number().positive().default(10_000),
  /** What the operator set in Edit's form (or a script gave): used instead of what the request reads. */
  payment: z
    .object({
      payee: z.string().trim().min(2, 'type who is paid, e.g. "Acme Ltd"'),
      amount: z.number().positive('an amount above 0, e.g. 1250.00'),
      currency: z.string().trim().toUpperCase().length(3, 'a three-letter currency code, e.g. EUR'),
      iban: Iban,
      reference: z.string().trim().min(1),
    })
    .partial()
    .default({}),
});

const Request = z.object({
  supplier: z.string().nullable(),
  amount: z.number().nullable(),
  currency: z.string(),
  reference: z.string().nullable(),
  iban: z.string().nullable(),
});

const Payment = z.object({
  payee: z.string(),
  iban: z.string(),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
  reference: z.string(),
});

const paymentQueue = fileDrop('payments', Payment);

const step = stepsFor(Input);

const parsePaymentRequest = step.extract({
  key: 'parse-request',
  title: 'Read the payment request',
  input: z.string(),
  output: Request,
  from: (ctx) => ctx.input.request,
  run: parseRequest,
});

const askIban = step.question({
  key: 'ask-iban',
  title: 'Ask for the IBAN',
  when: (ctx) => !ctx.input.payment.iban && !ctx.output(parsePaymentRequest).iban,
  ask: (ctx) => `Which IBAN should ${ctx.output(parsePaymentRequest).supplier ?? 'the supplier'} be paid to?`,
  answer: Iban,
});

const CheckedPayment = Payment.omit({ reference: true }).extend({ reference: z.string().nullable() });

const checkPayment = step.validate({
  key: 'check-payment',
  title: 'Check amount and account',
  input: z.object({ request: Request, limit: z.number() }),
  output: CheckedPayment,
  // What the operator gave (Edit's form) comes first, then their answer, then the request's reading.
  from: (ctx) => {
    const read = ctx.output(parsePaymentRequest);
    const given = ctx.input.payment;
    const iban = given.iban ?? ctx.outputIfRan(askIban) ?? read.iban;
    return { request: { supplier: given.payee ?? read.supplier, amount: given.amount ?? read.amount, currency: given.currency ?? read.currency, reference: given.reference ?? read.reference, iban }, limit: ctx.input.limit };
  },
  run: ({ request, limit }) => {
    const iban = Iban.safeParse(request.iban);
    if (!request.supplier) throw new NonRetryableError('the request names no supplier ("Pay <supplier> ...")');
    if (!request.amount || request.amount <= 0) throw new NonRetryableError('the request has no amount ("... 1250 EUR ...")');
    if (request.amount > limit) throw new NonRetryableError(`${request.amount} ${request.currency} is above the limit of ${limit}`);
    if (!iban.success) throw new NonRetryableError(`the IBAN is ${iban.error.issues[0]?.message}`);
    return { payee: request.supplier, iban: iban.data, amountCents: Math.round(request.amount * 100), currency: request.currency, reference: request.reference };
  },
});

const preparePayment = step.transform({
  key: 'prepare-payment',
  title: 'Prepare the payment instruction',
  input: CheckedPayment,
  output: Payment,
  from: (ctx) => ctx.output(checkPayment),
  run: (payment) => ({ ...payment, reference: payment.reference ?? `Payment to ${payment.payee}` }),
});

const approvePayment = step.approval({
  key: 'approve-payment',
  title: 'Approve the payment',
  summary: (ctx) => {
    const payment = ctx.output(preparePayment);
    return `Pay ${(payment.amountCents / 100).toFixed(2)} ${payment.currency} to ${payment.payee} (IBAN ending ${payment.iban.slice(-4)}) for "${payment.reference}"`;
  },
  // Approve with changes: the payment as it will be queued.
  edits: {
    'payment.payee': { label: 'Pay to', value: (plan) => plan.output(preparePayment).payee },
    'payment.amount': { label: 'Amount', value: (plan) => (plan.output(preparePayment).amountCents / 100).toFixed(2) },
    'payment.currency': { label: 'Currency', value: (plan) => plan.output(preparePayment).currency },
    'payment.iban': { label: 'IBAN', value: (plan) => plan.output(preparePayment).iban },
    'payment.reference': { label: 'Reference', value: (plan) => plan.output(preparePayment).reference },
  },
});

const queuePayment = step.action({
  key: 'queue-payment',
  title: 'Queue the payment',
  executor: paymentQueue,
  from: (ctx) => ctx.output(preparePayment),
  retry: { maxAttempts: 5, initialDelayMs: 1000 },
});

export default defineWorkflow({
  name: 'supplier-payment',
  // A payment nobody decides for a day goes up the escalation chain (thread, direct message,
  // e-mail); a deadline never pays by itself.
  gateDeadline: { afterMinutes: 24 * 60, then: 'escalate' },
  description: 'Pay a supplier invoice: parse the request, ask for a missing IBAN, check, approve, queue the payment file.',
  input: Input,
  freeTextField: 'request',
  plan: () => [parsePaymentRequest, askIban, checkPayment, preparePayment, approvePayment, queuePayment],
});

function parseRequest(text: string): z.infer<typeof Request> {
  const amount = /(\d[\d,]*(?:\.\d{1,2})?)\s*(EUR|USD|GBP|CHF|€|\$|£)/i.exec(text);
  const symbols: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP' };
  const iban = /\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)\b/.exec(text);
  return {
    supplier: /\bpay\s+(.+?)\s+\d/i.exec(text)?.[1]?.trim() ?? null,
    amount: amount ? Number(amount[1]!.replace(/,/g, '')) : null,
    currency: amount ? (symbols[amount[2]!] ?? amount[2]!.toUpperCase()) : 'EUR',
    reference: /\b(?:invoice|inv\.?|ref\.?)\s*#?\s*([A-Z0-9-]+)/i.exec(text)?.[1] ?? null,
    iban: iban ? iban[1]!.replace(/\s+/g, '') : null,
  };
}

/** ISO 13616: move the first four characters to the end, letters to numbers, modulo 97 is 1. */
function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}
