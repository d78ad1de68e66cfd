// Reads a JSON request body within a byte bound before anything parses it: a declared length over the
// bound is refused before a byte is read (413), a chunked body that grows past it is cut off (413), bytes that
// are not UTF-8 are refused (400). The decoded text is handed to Hono's body cache, so the route's zod
// validator parses it exactly once (malformed JSON -> 400 from there).
import type { MiddlewareHandler } from 'hono';
import { FleeexError } from '../../../shared/errors';
import type { GatewayEnv } from '../services';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function jsonBody(options: { bytesMax: number }): MiddlewareHandler<GatewayEnv> {
  const tooLarge = () => new FleeexError('payload_too_large', `The request body exceeds ${options.bytesMax} bytes.`);
  return async function jsonBodyMiddleware(c, next) {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new FleeexError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
    }
    const declared = c.req.header('content-length');
    let bytes: Uint8Array;
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) throw new FleeexError('invalid_request', 'Content-Length is not a number.');
      if (Number(declared) > options.bytesMax) throw tooLarge();
      // A declared length bounds the read (the HTTP parser stops there), so the runtime's own
      // buffered read is safe, and on Node it skips the web-stream machinery entirely.
      bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    } else {
      bytes = await readBounded(c.req.raw.body, options.bytesMax, tooLarge);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new FleeexError('invalid_request', 'The request body is not valid UTF-8.');
    }
    if (text.trim() === '') throw new FleeexError('invalid_request', 'The request body is empty.');
    // Hono stores body promises in bodyCache (its typing says values); json() then parses this text.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    await next();
  };
}

/** Reads a body of unknown length (chunked), cutting it off past `bytesMax`. */
async function readBounded(body: ReadableStream<Uint8Array> | null, bytesMax: number, tooLarge: () => FleeexError): Promise<Uint8Array> {
  if (!body) throw new FleeexError('invalid_request', 'The request body is empty.');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > bytesMax) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
