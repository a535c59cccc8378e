// `op memory ...`: remember, recall, forget, and the index's upkeep (reindex, verify), the
// labeled evaluation (eval) and key rotation (rotate-keys). With CHROMA_URL unset the commands use
// the local Chroma server of the service running on the same DATA_DIR, or start one for the
// command's duration.
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { OperatorError } from '../core/errors.ts';
import type { RecallResult, RememberRequest } from '../core/services.ts';
import { startLocalChroma, type LocalChroma } from '../memory/chroma-server.ts';
import { IndexUnavailable } from '../memory/chroma-index.ts';
import type { EntityHistory } from '../memory/fact-book.ts';
import { ATTRIBUTE_LABELS } from '../memory/facts.ts';
import type { VerifyReport } from '../memory/memory.ts';
import type { Operator } from '../operator.ts';

export interface MemoryArgs {
  positionals: string[];
  json: boolean;
  kind?: string;
  workflow?: string;
  tag?: string[];
  retention?: string;
  limit?: string;
}

const KINDS = ['fact', 'decision', 'customer_note', 'artifact', 'message'] as const;

export async function runMemoryCommand(operator: Operator, config: Config, args: MemoryArgs, actor: string): Promise<string | object> {
  const [, command] = args.positionals;
  const rest = args.positionals.slice(2).join(' ').trim();
  const { memory } = operator;
  switch (command) {
    case 'remember': {
      if (!rest) throw new OperatorError('op memory remember needs the text to remember.', 'Example: op memory remember "Acme pays within 14 days" --workflow invoicing');
      const kind = (args.kind ?? 'fact') as RememberRequest['kind'];
      if (!KINDS.includes(kind)) throw new OperatorError(`"${args.kind}" is not a kind of memory.`, `Use --kind with one of: ${KINDS.join(', ')}.`);
      const result = await memory.remember({ kind, text: rest, source: 'cli', workflow: args.workflow, tags: args.tag, retention: args.retention, createdBy: actor });
      // Index it now when Chroma is at hand; otherwise the service's indexer does it later.
      const indexed = await withChroma(operator, config, () => memory.indexPending().then(() => true)).catch(() => false);
      if (args.json) return { ...result, indexed };
      return `${result.duplicate ? 'Already remembered as' : 'Remembered as'} ${result.id}${indexed ? '' : ' (indexed when Chroma is reachable)'}`;
    }
    case 'recall': {
      if (!rest) throw new OperatorError('op memory recall needs a question.', 'Example: op memory recall "when does Acme pay?"');
      const limit = args.limit === undefined ? 5 : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw new OperatorError(`--limit must be a whole number from 1 to 20, got ${args.limit}.`, 'Example: op memory recall "Acme" --limit 10');
      const result = await withChroma(operator, config, () => memory.recall(rest, { k: limit, workflow: args.workflow, answer: true }), { degradeOk: true });
      await memory.flush();
      return args.json ? result : formatRecall(result);
    }
    case 'forget': {
      const id = args.positionals[2];
      if (!id) throw new OperatorError('op memory forget needs a memory id.', 'Example: op memory forget m1a2b3c4d5   (op memory recall shows ids)');
      if (!(await memory.forget(id))) throw new OperatorError(`There is no memory ${id}; nothing was changed.`, 'op memory recall <question> shows memory ids.');
      await withChroma(operator, config, () => memory.indexPending()).catch(() => 0);
      return args.json ? { forgotten: id } : `Forgot ${id}.`;
    }
    case 'history': {
      if (!rest) throw new OperatorError('op memory history needs the name of a customer, supplier or person.', 'Example: op memory history "Lumen Analytics"   (an alias or e-mail domain works too)');
      await memory.readEntities();
      const history = await memory.history(rest);
      if (!history) {
        const like = await memory.entitiesLike(rest);
        const hint = like.length > 0 ? `Did you mean: ${like.map((entity) => entity.name).join(', ')}?` : 'Memories name entities once they are remembered; op memory recall <question> searches the texts.';
        throw new OperatorError(`Memory knows no one called "${rest}"; nothing was changed.`, hint);
      }
      return args.json ? history : formatHistory(history);
    }
    case 'reindex': {
      const done = await withChroma(operator, config, () => memory.reindex(progressBar()));
      return args.json ? { reindexed: done } : `Reindexed ${done} memories into ${memory.index.collectionName}.`;
    }
    case 'verify': {
      const report = await withChroma(operator, config, () => memory.verify());
      return args.json ? report : formatVerify(report);
    }
    case 'eval': {
      const report = await memory.evaluate();
      if (args.json) return report;
      const line = (name: string, f: { queries: number; recallAt5: number; precisionAt5: number; mrr: number }) =>
        `${name.padEnd(20)} ${String(f.queries).padStart(7)} ${f.recallAt5.toFixed(3).padStart(9)} ${f.precisionAt5.toFixed(3).padStart(12)} ${f.mrr.toFixed(3).padStart(6)}`;
      return [
        `Labeled set, embeddings ${report.embeddingModel} (stored as ${report.id}):`,
        `${'workflow'.padEnd(20)} queries  recall@5  precision@5    MRR`,
        ...Object.entries(report.perWorkflow).map(([name, figures]) => line(name, figures)),
        line('all', report),
      ].join('\n');
    }
    case 'rotate-keys': {
      const changed = await memory.rotateKeys();
      return args.json ? { resealed: changed } : `Re-sealed ${changed} original(s) under the newest key.`;
    }
    default:
      // src/cli/commands.ts routes only the memory commands above here.
      throw new Error(`op memory ${command ?? ''}: not a memory command`);
  }
}

/**
 * Runs fn with the index connected: CHROMA_URL, or the local server for DATA_DIR (found, or
 * started and stopped around fn). Unreachable Chroma is an operator error with the next step,
 * unless degradeOk (recall answers by keyword search then).
 */
async function withChroma<T>(operator: Operator, config: Config, fn: () => Promise<T>, options: { degradeOk?: boolean } = {}): Promise<T> {
  let local: LocalChroma | null = null;
  try {
    if (!config.CHROMA_URL) {
      local = await startLocalChroma({ dataDir: path.resolve(config.DATA_DIR), startTimeoutMs: 30_000 }).catch((error: unknown) => {
        if (options.degradeOk) return null;
        throw new OperatorError(`The local Chroma server could not start: ${(error as Error).message}.`, 'Run scripts/chroma-runtime.sh, or set CHROMA_URL to a Chroma server.');
      });
      if (local) operator.memory.index.connect(local.url);
    }
    return await fn();
  } catch (error) {
    if (error instanceof IndexUnavailable) throw new OperatorError(`Chroma cannot be reached: ${error.message}.`, 'Check CHROMA_URL (or unset it to use a local server) and try again.');
    throw error;
  } finally {
    await local?.stop();
  }
}

/** A progress bar on a terminal (stderr), nothing when piped. */
function progressBar(): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((width * done) / total);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`);
  };
}

function formatRecall(result: RecallResult): string {
  const lines = result.citations.flatMap((c) => [`[${c.n}] ${c.snippet}`, `    ${c.recordId} · ${c.kind} · ${c.source}${c.link ? ` · ${c.link}` : ''} · score ${c.score}`]);
  if (lines.length === 0) lines.push(`Nothing in memory matches "${result.query}".`);
  if (result.answer) lines.unshift(result.answer, '');
  if (result.withheld) lines.unshift(`No written answer: ${result.withheld}. The sources:`, '');
  if (result.degraded) lines.push('(degraded: Chroma is unreachable, this is a keyword search of the records)');
  return lines.join('\n');
}

function formatHistory(history: EntityHistory): string {
  const names = history.aliases.filter((alias) => alias.kind !== 'name' || alias.alias !== history.entity.name.toLowerCase()).map((alias) => alias.alias);
  const lines = [`${history.entity.name} (${history.entity.kind}${names.length ? `; also ${names.join(', ')}` : ''})`];
  if (history.attributes.length === 0) lines.push('  No facts recorded yet (billing address, VAT ID, e-mail, contact, rate, payment terms, currency).');
  for (const { attribute, values } of history.attributes) {
    lines.push(`  ${ATTRIBUTE_LABELS[attribute]}:`);
    for (const value of values) {
      const when = value.until ? `${value.since} until ${value.until}` : `since ${value.since} (current)`;
      lines.push(`    ${when.padEnd(32)} ${value.value}   [${value.citation.recordId} · ${value.citation.source}${value.citation.link ? ` · ${value.citation.link}` : ''}]`);
    }
  }
  return lines.join('\n');
}

function formatVerify(report: VerifyReport): string {
  const list = (ids: string[]) => (ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, ...` : ids.join(', '));
  const lines = [`${report.records} records, ${report.indexed} vectors, ${report.pending} index task(s) pending`];
  lines.push(report.missing.length ? `missing from the index (${report.missing.length}): ${list(report.missing)}` : 'every record is in the index');
  lines.push(report.orphans.length ? `orphans in the index (${report.orphans.length}): ${list(report.orphans)}` : 'no orphans in the index');
  if (report.missing.length || report.orphans.length) lines.push(report.pending ? 'Pending tasks apply when the service runs; or rebuild now: op memory reindex' : 'Fix: op memory reindex');
  return lines.join('\n');
}
