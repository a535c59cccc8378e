import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderedId } from '../src/store/plans.ts';

test('notice ids made in one transaction sort in the order they were written', () => {
  const ids = Array.from({ length: 500 }, () => orderedId('n'));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});
