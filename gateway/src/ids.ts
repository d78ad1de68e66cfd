// Random ids for the hot path (request ids, hold ids): 128 bits each, URL-safe, drawn from a pooled
// buffer refilled 4 KiB at a time, since one getRandomValues call per id costs more than the id.
const POOL_BYTES = 4_096;
const ID_BYTES = 16;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let pool = new Uint8Array(0);
let offset = 0;

/** `${prefix}_` + 22 base64url characters (the same shape as shared/api-keys randomId). */
export function fastRandomId(prefix: string): string {
  if (offset + ID_BYTES > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  let id = `${prefix}_`;
  // 16 bytes = 5 groups of 3 bytes (20 chars) + 1 byte (2 chars).
  for (let i = 0; i < 15; i += 3) {
    const n = (pool[offset + i]! << 16) | (pool[offset + i + 1]! << 8) | pool[offset + i + 2]!;
    id += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const last = pool[offset + 15]!;
  id += ALPHABET[last >>> 2]! + ALPHABET[(last & 3) << 4]!;
  // Never hand out the same bytes twice.
  pool.fill(0, offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
