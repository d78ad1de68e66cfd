// The Node ledger transport: node:http / node:https with keep-alive, a per-request timeout, a bounded
// response body. Node-only: imported by the Node entry (server.ts), never by the worker.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { LEDGER_RESPONSE_BYTES_MAX, type LedgerTransport } from './transport';

/** Sockets to the ledger per gateway process. */
export const LEDGER_SOCKETS_MAX = 512;

export function nodeHttpTransport(): LedgerTransport {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: LEDGER_SOCKETS_MAX });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: LEDGER_SOCKETS_MAX });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: init.method, headers, agent: secure ? httpsAgent : httpAgent, timeout: init.timeoutMs },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.length > LEDGER_RESPONSE_BYTES_MAX) res.destroy(new Error('ledger response too large'));
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      // `timeout` fires on socket inactivity; the whole exchange is bounded the same way.
      const timer = setTimeout(() => req.destroy(new Error('ledger request timed out')), init.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new Error('ledger request timed out')));
      req.on('error', reject);
      req.end(init.body);
    });
}
