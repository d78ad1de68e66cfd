// App keys: `fx_sk_` + 43 base64url characters (256 random bits). Shown once; only the SHA-256 is stored.
// WebCrypto only, so this runs unchanged on Node and in workerd.

export const API_KEY_PREFIX = 'fx_sk_';
const API_KEY_PATTERN = /^fx_sk_[A-Za-z0-9_-]{43}$/;

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashApiKey(apiKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(apiKey));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A prefixed random id (`hold_…`, `app_…`): 128 bits, URL-safe. */
export function randomId(prefix: string): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(16)))}`;
}
