// AWS event-stream frames for ConverseStream, encoded with smithy's codec (the SDK decodes with the same).
import { EventStreamCodec, HeaderMarshaller, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

// Formatting headers is a third of a frame's encoding cost, and our header sets are a handful of constant
// objects: format each once. (The codec builds its own marshaller; this swaps in a caching one.)
class CachingHeaderMarshaller extends HeaderMarshaller {
  private readonly formatted = new WeakMap<MessageHeaders, Uint8Array>();

  override format(headers: MessageHeaders): Uint8Array {
    let bytes = this.formatted.get(headers);
    if (!bytes) {
      bytes = super.format(headers);
      this.formatted.set(headers, bytes);
    }
    return bytes;
  }
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);
// If a smithy release renames the field, frames stay correct, only slower.
if (Reflect.has(codec, 'headerMarshaller')) Reflect.set(codec, 'headerMarshaller', new CachingHeaderMarshaller(toUtf8, fromUtf8));

const JSON_CONTENT_TYPE = { type: 'string', value: 'application/json' } as const;
const EVENT_MESSAGE_TYPE = { type: 'string', value: 'event' } as const;
const EXCEPTION_MESSAGE_TYPE = { type: 'string', value: 'exception' } as const;

export type StreamEventType = 'messageStart' | 'contentBlockStart' | 'contentBlockDelta' | 'contentBlockStop' | 'messageStop' | 'metadata';
export type StreamExceptionType =
  | 'internalServerException'
  | 'modelStreamErrorException'
  | 'validationException'
  | 'throttlingException'
  | 'serviceUnavailableException';

// Header sets are built once per event type: frames are encoded on the hot path.
const eventHeaders = new Map<string, MessageHeaders>();
function headersForEvent(type: StreamEventType): MessageHeaders {
  let headers = eventHeaders.get(type);
  if (!headers) {
    headers = { ':event-type': { type: 'string', value: type }, ':content-type': JSON_CONTENT_TYPE, ':message-type': EVENT_MESSAGE_TYPE };
    eventHeaders.set(type, headers);
  }
  return headers;
}

// Real Bedrock pads every event payload with a "p" field of varying length (so sizes leak less); clients
// ignore it, and so must ours.
const PADDING = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function withPadding(json: string): string {
  return `${json.slice(0, -1)},"p":"${PADDING.slice(0, 1 + (json.length % PADDING.length))}"}`;
}

export function encodeEvent(type: StreamEventType, payload: object): Uint8Array {
  return codec.encode({ headers: headersForEvent(type), body: fromUtf8(withPadding(JSON.stringify(payload))) });
}

export function encodeException(type: StreamExceptionType, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':exception-type': { type: 'string', value: type },
    ':content-type': JSON_CONTENT_TYPE,
    ':message-type': EXCEPTION_MESSAGE_TYPE,
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}
