// `npm run bench [-- <name>...]`: runs the named benchmarks, or all of them without a name.
// Each prints one JSON line per result on stdout; progress notes go to stderr.
const benches: Record<string, () => Promise<void>> = {
  conductor: async () => (await import('./conductor.ts')).run(),
  'slack-ack': async () => (await import('./slack-ack.ts')).run(),
  recall: async () => (await import('./recall.ts')).run(),
  reading: async () => (await import('./reading.ts')).run(),
  triggers: async () => (await import('./triggers.ts')).run(),
  gates: async () => (await import('./gates.ts')).run(),
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !Object.hasOwn(benches, name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : Object.keys(benches)) {
  await benches[name]!();
}
// Pools, timers and child processes of a bench must not keep the process up once it is done.
process.exit(0);
