// A lean HTTP client for the gateway (node:http, keep-alive), for the capacity and memory sections:
// the load generator shares the cores with the gateway, so it should spend as little CPU as it can.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FleeexCredentials } from './clients';
import { BENCH_MAX_TOKENS, BENCH_MODEL, BENCH_PROMPT } from './clients';
import type { Call } from './load';

const SOCKETS_MAX = 4_096;
const CONTENT_TOKEN = /"content":"[^"]/;

export interface RawGatewayClient {
  nonStream: Call;
  /** A non-streamed call with another prompt (the body is built once, here). */
  nonStreamWith(prompt: string): Call;
  /** Opens a streamed completion; resolves once its first content token arrived. */
  openStream(prompt: string): Promise<{ close(): void }>;
  close(): void;
}

export function rawGatewayClient(credentials: FleeexCredentials): RawGatewayClient {
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS_MAX });
  const url = new URL('/v1/chat/completions', credentials.gatewayUrl);
  const headers = {
    authorization: `Bearer ${credentials.apiKey}`,
    'x-fleeex-user': credentials.appUserId,
    'content-type': 'application/json',
  };
  const bodyOf = (prompt: string, stream: boolean) =>
    JSON.stringify({ model: BENCH_MODEL, messages: [{ role: 'user', content: prompt }], max_tokens: BENCH_MAX_TOKENS, stream });
  const nonStreamOf =
    (body: string): Call =>
    () =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          res.on('data', () => {});
          res.on('error', reject);
          res.on('end', () =>
            res.statusCode === 200 ? resolve({ ttft_ms: null }) : reject(new Error(`gateway answered ${res.statusCode}`)),
          );
        });
        req.on('error', reject);
        req.end(body);
      });

  return {
    nonStream: nonStreamOf(bodyOf(BENCH_PROMPT, false)),
    nonStreamWith: (prompt) => nonStreamOf(bodyOf(prompt, false)),
    openStream(prompt) {
      return new Promise((resolve, reject) => {
        const start = performance.now();
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`gateway answered ${res.statusCode}`));
          }
          let opened = false;
          res.on('data', (chunk: Buffer) => {
            if (!opened && CONTENT_TOKEN.test(chunk.toString())) {
              opened = true;
              resolve({ close: () => req.destroy() });
            }
          });
          res.on('error', (error) => (opened ? undefined : reject(error)));
          res.on('end', () => (opened ? undefined : reject(new Error(`stream ended without content after ${performance.now() - start} ms`))));
        });
        req.on('error', reject);
        req.end(bodyOf(prompt, true));
      });
    },
    close() {
      agent.destroy();
    },
  };
}
