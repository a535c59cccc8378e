// Row ids: random, or ordered by creation within a process where the order of rows written
// together matters (notices, memory index tasks).
import { randomBytes } from 'node:crypto';

export const newId = (prefix: string) => `${prefix}${randomBytes(8).toString('base64url').replace(/[-_]/g, '').slice(0, 10).toLowerCase()}`;

let sequence = 0;
/**
 * An id that sorts in creation order within a process (time, then a counter): notices written
 * by one transaction share their createdAt, and must still be delivered in the order written.
 */
export const orderedId = (prefix: string) =>
  `${prefix}${Date.now().toString(36).padStart(9, '0')}${(sequence++ % 36 ** 4).toString(36).padStart(4, '0')}${newId('')}`;
