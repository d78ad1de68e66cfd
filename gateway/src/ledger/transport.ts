// How the ledger client moves bytes. workerd: fetch. Node: node:http(s) with keep-alive agents,
// because Node 20's fetch costs ~0.3 ms of CPU per call here against ~0.02 ms for http.request, and
// the gateway makes two ledger calls per completion.

export interface TransportRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  /** The body as text (bounded by LEDGER_RESPONSE_BYTES_MAX). */
  text: string;
}

export type LedgerTransport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

/** Ledger answers are small (the largest is the price table); anything bigger is refused. */
export const LEDGER_RESPONSE_BYTES_MAX = 4 * 1024 * 1024;

type Fetcher = (input: string, init: RequestInit) => Promise<Response>;

/** A transport over any fetch: the global one, or a binding's (workerd's mutual-TLS certificate binding). */
export function fetchTransportWith(fetcher: Fetcher): LedgerTransport {
  return (url, request) => fetchOnce(fetcher, url, request);
}

async function fetchOnce(fetcher: Fetcher, url: string, request: TransportRequest): Promise<TransportResponse> {
  const response = await fetcher(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  const text = await response.text();
  if (text.length > LEDGER_RESPONSE_BYTES_MAX) throw new Error('ledger response too large');
  return { status: response.status, text };
}

export const fetchTransport: LedgerTransport = fetchTransportWith((input, init) => fetch(input, init));
