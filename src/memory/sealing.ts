// Originals of redacted memories, sealed with AES-256-GCM under keys from MEMORY_ENCRYPTION_KEYS
// ("<id>:<32 bytes base64>,<older id>:<key>..."). The newest key seals; every listed key still
// opens what it sealed, so keys rotate by putting a new one first (and `op memory rotate-keys`
// re-seals the old records under it before the old key is dropped).
// Sealed form: "<key id>:<iv base64>:<tag base64>:<ciphertext base64>".
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { OperatorError } from '../core/errors.ts';

export class KeyRing {
  readonly #keys: Map<string, Buffer>;
  readonly newestId: string;

  constructor(setting: string) {
    const entries = setting.split(',').map((entry) => {
      const [id, key] = entry.trim().split(':');
      const bytes = Buffer.from(key ?? '', 'base64');
      if (!id || bytes.length !== 32) {
        throw new OperatorError(`MEMORY_ENCRYPTION_KEYS has an entry that is not <id>:<32 bytes in base64> ("${id ?? ''}").`, 'Make a key with `openssl rand -base64 32` and write it as mykey1:<key>.');
      }
      return [id, bytes] as const;
    });
    this.#keys = new Map(entries);
    this.newestId = entries[0]![0];
  }

  seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.newestId)!, iv);
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return [this.newestId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [id, iv, tag, ciphertext] = sealed.split(':');
    const key = this.#keys.get(id ?? '');
    if (!key || !iv || !tag || ciphertext === undefined) {
      throw new OperatorError(`This original was sealed with key "${id}", which MEMORY_ENCRYPTION_KEYS no longer lists.`, 'Add the old key back after the newest one, run `op memory rotate-keys`, then drop it.');
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  /** The same original sealed under the newest key; unchanged when it already is. */
  reseal(sealed: string): string {
    return sealed.startsWith(`${this.newestId}:`) ? sealed : this.seal(this.open(sealed));
  }
}

export const keyRingFrom = (setting: string | undefined) => (setting ? new KeyRing(setting) : null);
