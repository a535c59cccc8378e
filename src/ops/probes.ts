// How each dependency is probed while it is down: a connection and a greeting, never a side
// effect. SMTP: connect and EHLO (nodemailer's verify). HTTP services: any answer below 500.
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import type { DependencyName } from '../core/dependencies.ts';
import type { Probe } from './breakers.ts';

const answersHttp = (url: string, init: RequestInit = {}): Probe => async (signal) => {
  const response = await fetch(url, { ...init, signal });
  await response.body?.cancel();
  if (response.status >= 500) throw new Error(`answered HTTP ${response.status}`);
};

const DEFAULT_OPENAI_URL = 'https://api.openai.com/v1';

/** Probes of the configured dependencies only: one that is not configured is never called. */
export function dependencyProbes(config: Pick<Config, 'SMTP_URL' | 'WEBHOOK_URL' | 'OPENAI_API_KEY' | 'OPENAI_BASE_URL'>): Partial<Record<DependencyName, Probe>> {
  const probes: Partial<Record<DependencyName, Probe>> = {};
  const { SMTP_URL, WEBHOOK_URL, OPENAI_API_KEY, OPENAI_BASE_URL } = config;
  if (SMTP_URL) {
    probes.smtp = async (signal) => {
      const transport = nodemailer.createTransport(SMTP_URL);
      signal.addEventListener('abort', () => transport.close(), { once: true });
      try {
        await transport.verify();
      } finally {
        transport.close();
      }
    };
  }
  if (WEBHOOK_URL) probes.webhook = answersHttp(WEBHOOK_URL, { method: 'HEAD' });
  if (OPENAI_API_KEY) {
    probes.model = answersHttp(`${(OPENAI_BASE_URL ?? DEFAULT_OPENAI_URL).replace(/\/$/, '')}/models`, { headers: { authorization: `Bearer ${OPENAI_API_KEY}` } });
  }
  return probes;
}
