/** Constants of the bundle protocol (docs/protocol.md part 6, "bundle"). */

/** The protocol id negotiated by multistream-select. */
export const BUNDLE_PROTOCOL = '/murmur/bundle/1.0.0'

/** Largest BundleResponse frame a client reads (the length prefix is checked first). */
export const MAX_BUNDLE_RESPONSE_BYTES = 64 * 1024

/**
 * Largest bundle a server sends: the response limit less the bytes of the `bundle` field's tag
 * (1) and length varint (3), rounded up.
 */
export const MAX_BUNDLE_BYTES = MAX_BUNDLE_RESPONSE_BYTES - 16

/** Largest BundleRequest frame a server reads. The request is empty today. */
export const MAX_BUNDLE_REQUEST_BYTES = 64

/** Bundles one requester may fetch per window; more are answered RATE_LIMITED. */
export const BUNDLE_RATE_LIMIT = 10

/** The rate-limit window (ms): BUNDLE_RATE_LIMIT requests per minute (fixed windows, src/net/rate-limit.ts). */
export const BUNDLE_RATE_WINDOW_MS = 60_000

/** Client: the whole exchange (open, ask, answer), in ms. Server: the whole handler. */
export const DEFAULT_BUNDLE_TIMEOUT_MS = 10_000

/** Server: time the application's provider has to hand out a bundle, in ms. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 5_000

/** Error messages are cut to this many UTF-8 bytes. */
export const MAX_BUNDLE_ERROR_MESSAGE_BYTES = 256

/** Short request/response streams per connection. */
export const BUNDLE_MAX_INBOUND_STREAMS = 4
export const BUNDLE_MAX_OUTBOUND_STREAMS = 4
