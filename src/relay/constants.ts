/**
 * Constants of the mailbox protocol '/murmur/mailbox/1.0.0' (docs/relay.md, "Limits").
 * Every limit is a named constant; a service can override most of them through MailboxInit.
 */
/** The envelope's own limits, from the module that owns the envelope; part of this protocol's API. */
export { ENVELOPE_ID_BYTES, MAX_ENVELOPE_BYTES } from '../wire/strict/envelope.js'

/** The protocol id negotiated by multistream-select. */
export const MAILBOX_PROTOCOL = '/murmur/mailbox/1.0.0'

/** A capability is a 32-byte secret; the relay keeps SHA-256 of it (32 bytes). */
export const CAPABILITY_BYTES = 32
export const CAPABILITY_HASH_BYTES = 32

/** Contacts door (and trusted depositors): per-mailbox quotas. */
export const MAILBOX_MAX_COUNT = 10_000
export const MAILBOX_MAX_BYTES = 64 * 1024 * 1024

/** First-contact door: its own, much smaller share of the mailbox. */
export const FIRST_CONTACT_MAX_COUNT = 100
export const FIRST_CONTACT_MAX_BYTES = 2 * 1024 * 1024

/** Forward queue (trusted depositors, recipients without a mailbox here), across recipients. */
export const FORWARD_MAX_COUNT = 10_000
export const FORWARD_MAX_BYTES = 64 * 1024 * 1024

/** TTL: an envelope without expiresAt lives 14 days; none lives longer than 30 days. */
export const DEFAULT_TTL_MS = 14 * 24 * 60 * 60_000
export const MAX_TTL_MS = 30 * 24 * 60 * 60_000

/**
 * Rate per depositor, contacts door and trusted depositors: a burst, then per second on average
 * (counted as DEPOSIT_RATE_BURST per 4 s window: src/net/rate-limit.ts).
 */
export const DEPOSIT_RATE_BURST = 200
export const DEPOSIT_RATE_PER_SEC = 50

/** Rate per depositor, first-contact door: a burst of 5, one a minute on average (5 per 5 min). */
export const FIRST_CONTACT_RATE_BURST = 5
export const FIRST_CONTACT_RATE_PER_SEC = 1 / 60

/** One-time prekey bundles: held per mailbox, per upload request, bytes per bundle. */
export const MAX_PREKEYS_HELD = 200
export const MAX_PREKEYS_PER_UPLOAD = 50
export const MAX_PREKEY_BYTES = 4096

/** takePrekey: a burst of 10, one every 6 s on average (10 a minute), per requester. */
export const PREKEY_RATE_BURST = 10
export const PREKEY_RATE_PER_SEC = 1 / 6

/** Capability hashes held per mailbox; entries per add/remove request. */
export const MAX_CAPABILITIES = 1000
export const MAX_CAPABILITIES_PER_REQUEST = 256

/** Fetch and push pages: envelopes and bytes (a page always holds at least one envelope). */
export const DEFAULT_FETCH_LIMIT = 256
export const MAX_FETCH_LIMIT = 1000
export const MAX_PAGE_BYTES = 1024 * 1024

/** Ids per Ack request; envelopes per Deliver request. */
export const MAX_ACK_IDS = 1000
export const MAX_DELIVER_ENVELOPES = 1000

/**
 * Frame caps. A request carries at most one page (Deliver) or one envelope (Deposit) or one
 * upload (50 x 4 KiB), plus protobuf overhead; a response at most one page plus overhead.
 * A deposit a little over MAX_ENVELOPE_BYTES still fits, so it is answered TOO_LARGE.
 */
export const FRAME_OVERHEAD_BYTES = 64 * 1024
export const MAX_REQUEST_BYTES = MAX_PAGE_BYTES + FRAME_OVERHEAD_BYTES
export const MAX_RESPONSE_BYTES = MAX_PAGE_BYTES + FRAME_OVERHEAD_BYTES

/** Error messages are cut to this many UTF-8 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 256

/** Client: one request/response exchange, dial included (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/** Server: an open stream with no request for this long is closed (ms). */
export const STREAM_IDLE_TIMEOUT_MS = 30_000
/**
 * Client: a request stream with nothing outstanding for this long is closed (ms). Shorter
 * than STREAM_IDLE_TIMEOUT_MS, so the client, not the server, normally ends an idle stream.
 */
export const CLIENT_STREAM_IDLE_MS = 10_000
/**
 * Server: requests read ahead on one stream and not yet answered (deposits run concurrently);
 * with this many frames read and waiting, either side pauses the stream (src/net/frame-reader.ts).
 */
export const MAX_PIPELINED_REQUESTS = 32
/** Subscribe: the owner must ack a push within this (ms), or the stream is closed. */
export const PUSH_ACK_TIMEOUT_MS = 30_000
/** Deliver: the recipient's handler must make envelopes durable within this (ms). */
export const DELIVER_HANDLER_TIMEOUT_MS = 20_000

/** Sweeper: how often expired envelopes are deleted (ms), and at most how many per pass. */
export const SWEEP_INTERVAL_MS = 60_000
export const SWEEP_BATCH = 1000

/** Forwarder: backoff per recipient, doubling from the first to the max (ms). */
export const FORWARD_BACKOFF_MIN_MS = 1_000
export const FORWARD_BACKOFF_MAX_MS = 5 * 60_000
/** Forwarder: one attempt (direct deliver or the application's callback) may take this (ms). */
export const FORWARD_ATTEMPT_TIMEOUT_MS = 15_000
/** Forwarder: recipients attempted at once. */
export const FORWARD_CONCURRENCY = 4

/** Streams per connection. A subscription holds one open stream. */
export const MAILBOX_MAX_INBOUND_STREAMS = 32
export const MAILBOX_MAX_OUTBOUND_STREAMS = 32
