/**
 * Constants of the dm protocol (docs/protocol.md part 6, "dm"). Every limit is explicit so
 * that the wire behaviour does not move with library defaults.
 */
import { MAX_ENVELOPE_BYTES } from '../../wire/strict/envelope.js'

/** The protocol id negotiated by multistream-select. */
export const DM_PROTOCOL = '/murmur/dm/1.0.0'

/**
 * Bytes a DmFrame adds around an envelope: one tag byte and a length varint of at most 3 bytes
 * for 256 KiB. Rounded up so that a maximal envelope always fits.
 */
export const DM_FRAME_OVERHEAD_BYTES = 16

/** Largest DmFrame a receiver accepts (the length prefix is checked before the body is read). */
export const MAX_DM_FRAME_BYTES = MAX_ENVELOPE_BYTES + DM_FRAME_OVERHEAD_BYTES

/**
 * Largest ack or error frame a sender accepts on its outbound stream: an id (16 bytes), a code
 * and a message of at most MAX_ERROR_MESSAGE_BYTES, with room for tags.
 */
export const MAX_DM_CONTROL_FRAME_BYTES = 1024

/** Error frame messages are cut to this many UTF-8 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 256

/**
 * An inbound stream on which nothing arrives and nothing waits for an answer for this long is
 * closed (issue 11). Senders keep one stream per peer and reopen it on demand (~2 ms); the
 * mailbox protocol allows 30 s, the bundle protocol 10 s.
 */
export const DEFAULT_INBOUND_IDLE_TIMEOUT_MS = 30_000

/**
 * Frames a receiver refuses on one stream before it answers the last one and closes the stream
 * (issue 11, found by fuzzing: each empty frame is one byte and earned a ~20-byte error frame).
 * A well-behaved sender is refused rarely; it opens a new stream.
 */
export const MAX_REFUSED_FRAMES_PER_STREAM = 64

/** Default time a send() waits for its ack, stream opening included. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000

/**
 * Envelopes in flight and no answer for this long: the stream's connection is probed
 * (src/net/dm/silence.ts). Above the messenger's head start for a direct attempt (1.5 s), under
 * which a healthy peer answers a round; far below the send timeout.
 */
export const DM_SILENCE_PROBE_MS = 2_000

/** Opening the outbound stream (dial if needed, plus protocol negotiation). */
export const DEFAULT_OPEN_STREAM_TIMEOUT_MS = 10_000

/** Waiting for the stream to drain before writing acks, and for a graceful close. */
export const DEFAULT_WRITE_TIMEOUT_MS = 10_000

/**
 * Envelopes a receiver holds per inbound stream that are not yet acknowledged (queued or inside
 * the handler). At the cap the receiver stops reading, which stops yamux window updates, which
 * stops the sender: work in flight per stream stays bounded.
 */
export const MAX_UNACKED_PER_STREAM = 256

/**
 * Streams per connection. A sender keeps one outbound dm stream per peer; a spare allows a new
 * stream to open while a dying one is still being torn down.
 */
export const DM_MAX_INBOUND_STREAMS = 2
export const DM_MAX_OUTBOUND_STREAMS = 2
