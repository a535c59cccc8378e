import { OperatorError } from '../core/errors.ts';

/** Bad input on the command line: exit code 2, the message and what to type instead; nothing changed. */
export class UsageError extends OperatorError {}

export const usageError = (message: string, hint: string) => new UsageError(message, hint);
