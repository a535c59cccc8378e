// `.env.example` and the README's configuration table are generated from the config schema;
// these tests fail when a setting is added, described or defaulted differently and the docs
// were not regenerated (`scripts/node scripts/config-docs.ts`).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { z } from 'zod';
import { ENV_EXAMPLE, README, renderConfigTable, renderEnvExample, settings, withConfigTable } from '../scripts/config-docs.ts';
import { ConfigSchema } from '../src/config/config.ts';

const regenerate = 'stale: run `scripts/node scripts/config-docs.ts` and commit the result';

test('.env.example is what the config schema generates', () => {
  assert.equal(fs.readFileSync(ENV_EXAMPLE, 'utf8'), renderEnvExample(), `.env.example is ${regenerate}`);
});

test("the README's configuration table is what the config schema generates", () => {
  const readme = fs.readFileSync(README, 'utf8');
  assert.equal(readme, withConfigTable(readme), `the README's configuration table is ${regenerate}`);
});

test('every setting is documented with a description, and shown in both files', () => {
  const env = fs.readFileSync(ENV_EXAMPLE, 'utf8');
  const readme = fs.readFileSync(README, 'utf8');
  for (const name of Object.keys(ConfigSchema.shape)) {
    const setting = settings().find((s) => s.name === name)!;
    assert.ok(setting.description.length > 10, `${name} needs a .describe() text in src/config/config.ts`);
    assert.match(env, new RegExp(`^# ${name}=`, 'm'));
    assert.ok(readme.includes(`| \`${name}\` |`), `${name} is missing from the README's table`);
  }
});

test('defaults are shown as they are written, and machine-dependent ones by what they are', () => {
  const env = renderEnvExample();
  assert.match(env, /^# PORT=3000$/m);
  assert.match(env, /^# DATABASE_URL=file:\.\/data\/operator\.db$/m);
  assert.match(env, /\(default: the host name\)\n# WORKER_ID=$/m, 'WORKER_ID must not show the host name of the machine that generated it');
  assert.match(env, /\(unset: off\)\n# SLACK_BOT_TOKEN=$/m);
  assert.match(renderConfigTable(), /^\| `WORKER_ID` \| the host name \|/m);
});

test('a changed schema produces different docs: drift is caught', () => {
  const changed = z.object({ ...ConfigSchema.shape, NEW_SETTING: z.string().default('x').describe('A setting added without regenerating the docs.') });
  assert.notEqual(renderEnvExample(settings(changed)), renderEnvExample());
  assert.notEqual(renderConfigTable(settings(changed)), renderConfigTable());
  const redescribed = z.object({ ...ConfigSchema.shape, PORT: z.coerce.number().default(3000).describe('Another text.') });
  assert.notEqual(renderConfigTable(settings(redescribed)), renderConfigTable());
  const redefaulted = z.object({ ...ConfigSchema.shape, PORT: z.coerce.number().default(8080).describe(ConfigSchema.shape.PORT.description!) });
  assert.notEqual(renderEnvExample(settings(redefaulted)), renderEnvExample());
});

test('a README without the table markers is refused with what to add', () => {
  assert.throws(() => withConfigTable('# Operator\n'), /README\.md has no <!-- config-table:start/);
});
