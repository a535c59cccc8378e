// The code-shape figures issue 15 tracks, read from the sources with the TypeScript parser:
// `scripts/node scripts/shape-counts.ts` prints
// - data-access functions in src/store by style: every top-level function there that reaches
//   the database, counted as "raw SQL" when its body writes a sql`...` template or calls
//   $queryRaw/$executeRaw, else "named statements" when it runs a named statement (statements.*, memoryStatements.*, budgetStatements.* ...),
//   else "Prisma client" when it goes through store.prisma(...);
// - hand casts (`x as T`, not `as const`) in src/store and in all of src, adapters, workflows;
// - `as unknown as` casts in the same files;
// - folder import cycles (scripts/folder-cycles.ts). --json prints the figures as one object.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'adapters', 'workflows'];
const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });

const parse = (file: string) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

function casts(file: ts.SourceFile): { hand: number; unknownAs: number } {
  let hand = 0;
  let unknownAs = 0;
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) && node.type.getText(file) !== 'const') {
      hand++;
      if (ts.isAsExpression(node.expression) && node.expression.type.kind === ts.SyntaxKind.UnknownKeyword) unknownAs++;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { hand, unknownAs };
}

type Style = 'prisma' | 'raw' | 'named';

/** Top-level functions (declarations and const arrows) with the text of their bodies. */
function topLevelFunctions(file: ts.SourceFile): { name: string; body: string }[] {
  const found: { name: string; body: string }[] = [];
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.body) found.push({ name: statement.name?.text ?? '?', body: statement.body.getText(file) });
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) found.push({ name: declaration.name.getText(file), body: init.body.getText(file) });
      }
    }
  }
  return found;
}

function styleOf(body: string): Style | null {
  // Builds SQL or maps rows without reaching a database: a helper, not data access.
  if (!/\b(runner|store|db|tx)\.|\.(prisma|transaction)\(/.test(body)) return null;
  if (/\bsql(<[^`]*>)?`|\$(query|execute)Raw/.test(body)) return 'raw';
  if (/\b\w*[sS]tatements\.\w+/.test(body)) return 'named';
  if (/\.prisma\(/.test(body)) return 'prisma';
  return null;
}

// The store's plumbing (the SQL runner, connections, transactions) is how statements run, not data access.
const STORE_PLUMBING = new Set(['sql.ts', 'statements.ts', 'memory-statements.ts', 'ops-statements.ts', 'store.ts', 'sqlite-connection.ts', 'group-commit.ts', 'statement-cache.ts']);

const files = ROOTS.flatMap(sourceFiles).map(parse);
const inStore = (file: ts.SourceFile) => file.fileName.startsWith(`src${path.sep}store${path.sep}`);

const styles: Record<Style, string[]> = { prisma: [], raw: [], named: [] };
for (const file of files.filter(inStore)) {
  if (STORE_PLUMBING.has(path.basename(file.fileName))) continue;
  for (const fn of topLevelFunctions(file)) {
    const style = styleOf(fn.body);
    if (style) styles[style].push(`${path.basename(file.fileName)}:${fn.name}`);
  }
}

const sum = (list: ts.SourceFile[], key: 'hand' | 'unknownAs') => list.reduce((n, file) => n + casts(file)[key], 0);

// folder-cycles exits 1 when there is a cycle; its output is the figure either way.
const cycles = spawnSync(process.execPath, ['scripts/folder-cycles.ts'], { encoding: 'utf8' }).stdout.trim();
const cycleLine = cycles.split('\n').at(-1) ?? cycles;

const figures = {
  storeFunctions: { prismaClient: styles.prisma.length, rawSql: styles.raw.length, namedStatements: styles.named.length },
  rawSqlFunctions: styles.raw,
  handCasts: { store: sum(files.filter(inStore), 'hand'), overall: sum(files, 'hand') },
  asUnknownAs: sum(files, 'unknownAs'),
  folderCycles: cycleLine,
};

if (process.argv.includes('--json')) console.log(JSON.stringify(figures, null, 2));
else {
  const { prismaClient, rawSql, namedStatements } = figures.storeFunctions;
  console.log(`src/store data-access functions: ${prismaClient + rawSql + namedStatements} (Prisma client ${prismaClient}, named statements ${namedStatements}, raw SQL ${rawSql})`);
  if (rawSql > 0) console.log(`  raw SQL: ${figures.rawSqlFunctions.join(', ')}`);
  console.log(`hand casts (as T, not as const): src/store ${figures.handCasts.store}, src+adapters+workflows ${figures.handCasts.overall}`);
  console.log(`as unknown as: ${figures.asUnknownAs}`);
  console.log(`folder cycles: ${cycles.replace(/\n/g, '\n  ')}`);
}
