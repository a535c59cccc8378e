// Import cycles between folders: `node scripts/folder-cycles.ts` reads madge's file graph of
// src, adapters and workflows, folds it to folders (src/conductor, adapters/slack, ...) and
// prints each strongly connected group of two or more folders. Exit code 1 when there is one.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const madge = path.join('node_modules', '.bin', 'madge');
const graph = JSON.parse(
  execFileSync(madge, ['--json', '--extensions', 'ts', '--exclude', 'generated/', 'src', 'adapters', 'workflows'], { encoding: 'utf8', maxBuffer: 64 << 20 }),
) as Record<string, string[]>;

/** src/bot/commands/start.ts -> src/bot; workflows/x.ts -> workflows; src/main.ts -> src */
const folderOf = (file: string) => {
  const parts = file.split('/');
  return parts.length <= 2 ? parts[0]! : `${parts[0]}/${parts[1]}`;
};

const edges = new Map<string, Set<string>>();
for (const [file, imports] of Object.entries(graph)) {
  const from = folderOf(file);
  for (const imported of imports) {
    const to = folderOf(imported);
    if (from !== to) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
  }
}

// Tarjan's strongly connected components.
let index = 0;
const indexOf = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const groups: string[][] = [];
function visit(node: string): void {
  indexOf.set(node, index);
  low.set(node, index++);
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node) ?? []) {
    if (!indexOf.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node)!, low.get(next)!));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
  }
  if (low.get(node) === indexOf.get(node)) {
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) groups.push(group.sort());
  }
}
for (const node of new Set([...edges.keys(), ...[...edges.values()].flatMap((set) => [...set])])) if (!indexOf.has(node)) visit(node);

for (const group of groups) console.log(`cycle of ${group.length} folders: ${group.join(', ')}`);
console.log(`${groups.length} folder cycle(s); ${groups.reduce((n, g) => n + g.length, 0)} folders in cycles`);
process.exitCode = groups.length > 0 ? 1 : 0;
