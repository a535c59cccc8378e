import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../store/prisma-cli.ts';
import { OperatorError } from '../core/errors.ts';
import type { RunnableStep, WorkflowDefinition } from './workflow.ts';

/** Where the project's workflows live: one file per workflow. */
export const WORKFLOWS_DIRECTORY = path.join(projectRoot, 'workflows');

/** The workflows the conductor knows, found by folder: one file per workflow, default export. */
export class WorkflowRegistry {
  readonly #workflows = new Map<string, WorkflowDefinition>();

  constructor(definitions: WorkflowDefinition[]) {
    for (const definition of definitions) {
      if (this.#workflows.has(definition.name)) throw new Error(`two workflows are named "${definition.name}"`);
      this.#workflows.set(definition.name, definition);
    }
  }

  static async fromDirectory(directory: string): Promise<WorkflowRegistry> {
    const files = fs
      .readdirSync(directory)
      .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
      .sort();
    const definitions: WorkflowDefinition[] = [];
    for (const file of files) {
      const module = (await import(pathToFileURL(path.join(directory, file)).href)) as { default?: WorkflowDefinition };
      if (!module.default?.name) throw new Error(`workflows/${file} must default-export a defineWorkflow(...)`);
      definitions.push(module.default);
    }
    return new WorkflowRegistry(definitions);
  }

  list(): WorkflowDefinition[] {
    return [...this.#workflows.values()];
  }

  get(name: string): WorkflowDefinition {
    const definition = this.#workflows.get(name);
    if (!definition) {
      throw new OperatorError(`There is no workflow named "${name}".`, { code: 'workflow_not_found', workflow: name, known: this.list().map((w) => w.name) });
    }
    return definition;
  }
}

/** The steps a plan runs for an input, without those the operator left out. */
export function expandSteps(definition: WorkflowDefinition, input: unknown, omitted: readonly string[]): RunnableStep[] {
  const steps = definition.plan(input);
  const keys = new Set<string>();
  for (const step of steps) {
    if (keys.has(step.key)) throw new Error(`workflow ${definition.name} has two steps keyed "${step.key}"`);
    keys.add(step.key);
  }
  return steps.filter((step) => !omitted.includes(step.key));
}

export function findStep(definition: WorkflowDefinition, input: unknown, key: string): RunnableStep | undefined {
  return definition.plan(input).find((step) => step.key === key);
}
