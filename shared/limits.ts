// Every bound in fleeex, in one place. Names carry their unit last.

// Gateway request bounds
export const REQUEST_BODY_BYTES_MAX = 4 * 1024 * 1024;
export const MESSAGES_MAX = 512;
export const CONTENT_PARTS_MAX = 64;
export const TEXT_PART_CHARS_MAX = 1_000_000;
export const IMAGE_BYTES_MAX = 3_750_000; // Bedrock's per-image limit
export const IMAGES_MAX = 20;
export const TOOLS_MAX = 128;
export const TOOL_NAME_CHARS_MAX = 64;
export const TOOL_SCHEMA_BYTES_MAX = 64 * 1024;
export const STOP_SEQUENCES_MAX = 4;
export const STOP_SEQUENCE_CHARS_MAX = 256;
export const OUTPUT_TOKENS_REQUEST_MAX = 1_000_000;
export const APP_USER_ID_CHARS_MAX = 256;
export const REQUEST_ID_CHARS_MAX = 255;

// Streaming and upstream
export const STREAM_DURATION_MS_MAX = 10 * 60 * 1000;
export const UPSTREAM_IDLE_MS_MAX = 60 * 1000;
export const UPSTREAM_NONSTREAM_TIMEOUT_MS = 5 * 60 * 1000;

// Ledger
export const HOLD_TTL_MS = 15 * 60 * 1000;
export const LEDGER_RETRIES_MAX = 8;
export const LEDGER_REQUEST_TIMEOUT_MS = 5_000;
export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
export const IDEMPOTENCY_KEY_CHARS_MAX = 128;
export const ADJUSTMENT_REASON_CHARS_MAX = 500;

// Caches (revocation latency for routes that do not move money; money routes check in the write)
export const APP_KEY_CACHE_TTL_MS = 5_000;
export const PRICE_TABLE_CACHE_TTL_MS = 5_000;

// Jobs (off the hot path: outbox relay, usage consumer, reconciliation, hold expiry)
export const OUTBOX_PAGE_ITEMS_MAX = 100;
export const OUTBOX_PAGES_PER_SHARD_PER_RUN = 4;
export const SQS_BATCH_MESSAGES_MAX = 10; // SQS's own limit for SendMessageBatch / ReceiveMessage
export const USAGE_QUEUE_MAX_RECEIVE_COUNT = 5;
export const USAGE_QUEUE_VISIBILITY_TIMEOUT_S = 30;
export const RECONCILE_WALLET_CONCURRENCY = 4;
export const ROLLUP_RETENTION_DAYS = 400;
export const EVENT_MARKER_RETENTION_DAYS = 30; // > SQS's 14-day maximum retention
export const USAGE_QUERY_DAYS_MAX = 92;
export const RECONCILE_SCAN_PAGES_PER_RUN = 4; // pages of the ledger table scanned for wallets per run
export const RECONCILE_SCAN_PAGE_ITEMS = 1_000;
export const RECONCILE_ENTRY_PAGES_PER_WALLET = 4; // DynamoDB pages (<= 1 MB each) of one wallet's entries per run
export const RECONCILE_FULL_RECHECK_MS = 24 * 60 * 60 * 1000; // a wallet's entries are re-read from entry 1 daily
export const ROLLUP_SETTLE_MS = 15 * 60 * 1000; // a day's rollups are compared once it ended this long ago
export const RECONCILE_DRIFTS_REPORTED_MAX = 100;
export const HOLD_EXPIRY_PAGES_PER_RUN = 4;
export const HOLD_EXPIRY_PAGE_ITEMS = 100;
