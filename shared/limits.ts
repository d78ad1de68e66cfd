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
