// `/op alerts` and `op alerts` show each alert the same way.
import { alertLabel, runbookOf } from '../core/alert-names.ts';
import type { AlertRecord } from '../store/alerts.ts';

const at = (date: Date) => date.toISOString().replace(/\.\d+Z$/, 'Z');

/** One alert as a line or two of text, the same in chat and in the terminal. */
export function describeAlert(alert: AlertRecord): string {
  const state =
    alert.status === 'firing'
      ? `firing since ${at(alert.firedAt)}`
      : `resolved ${alert.resolvedAt ? at(alert.resolvedAt) : ''} (fired ${at(alert.firedAt)})`;
  const marked = alert.notUsefulAt ? ' · marked not useful' : '';
  return `[${alert.severity}] ${alertLabel(alert)} ${alert.id}: ${state}${marked}\n  ${alert.text}\n  Runbook: ${runbookOf(alert.name)}`;
}
