import pino, { type Logger } from 'pino';
import { redactText, redactValue } from '../privacy/redact.ts';

/** JSON logs on stdout (or the given stream); every record is redacted before it is written. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (record) => redactValue(record) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
