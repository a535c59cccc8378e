import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.ts';

test('with no settings the service runs on its embedded defaults', () => {
  const config = loadConfig({});
  assert.equal(config.DATABASE_URL, 'file:./data/operator.db');
  assert.equal(config.PORT, 3000);
  assert.equal(config.WORKER_CONCURRENCY, 8);
});

test('every bad setting is named at once, with what to use instead', () => {
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://db', PORT: 'eighty', LEASE_MS: '10' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /DATABASE_URL is "mysql:\/\/db": use file:<path> for SQLite .* or postgresql:\/\//);
      assert.match(error.message, /PORT is "eighty"/);
      assert.match(error.message, /LEASE_MS is "10"/);
      return true;
    },
  );
});

test('PostgreSQL URLs are accepted', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgresql://op@db:5432/op' }).DATABASE_URL, 'postgresql://op@db:5432/op');
});
