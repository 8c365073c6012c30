/**
 * Limits and schedules of the messenger. Each one is documented in docs/messaging.md.
 */

/** The longest text a message may carry, in UTF-8 bytes. Envelopes are capped at 256 KiB. */
export const MAX_TEXT_BYTES = 64 * 1024

/** How long an unsent message is retried before it is marked expired (issue: default 30 days). */
export const DEFAULT_MESSAGE_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** Outbox retry backoff: first retry after this, doubling, capped at OUTBOX_MAX_BACKOFF_MS. */
export const OUTBOX_INITIAL_BACKOFF_MS = 2_000
export const OUTBOX_MAX_BACKOFF_MS = 10 * 60 * 1000
/** How often the outbox looks for due entries when nothing wakes it. */
export const OUTBOX_POLL_MS = 5_000

/** One-time prekeys: top up to TARGET when fewer than LOW remain unissued. */
export const ONE_TIME_PREKEYS_TARGET = 100
export const ONE_TIME_PREKEYS_LOW = 25
/**
 * The longest a relay holds an envelope: src/relay/constants.ts MAX_TTL_MS (docs/relay.md),
 * restated, not imported: the command-line client bundles this file, and the relay's
 * constants would bring the wire codecs into every command (test/e2e/latency.test.ts). A test
 * keeps the two equal.
 */
export const RELAY_MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000
/**
 * How late a first message can arrive after its sender took our bundle (docs/messaging.md,
 * "Prekeys"): as long as its sender keeps retrying it (a message's time to live) plus the
 * longest a relay holds what was deposited at the end of that. A prekey that bundle named must
 * live this long past the moment the bundle could last have been taken.
 */
export const FIRST_MESSAGE_LATEST_MS = DEFAULT_MESSAGE_TTL_MS + RELAY_MAX_TTL_MS
/**
 * An issued one-time prekey whose session never started is deleted this long after it was
 * handed out: past that, nothing can still name the key, and keeping it only lets requests
 * that never start a session pile up records.
 */
export const ISSUED_ONE_TIME_PREKEY_LIFETIME_MS = FIRST_MESSAGE_LATEST_MS
/** Looking for expired issued one-time prekeys reads them all: at start, then at most this often. */
export const ONE_TIME_PREKEY_SWEEP_MS = 60 * 60 * 1000

/** Signed and last-resort ML-KEM prekeys rotate weekly (DESIGN.md; PQXDH, "Publishing keys"). */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000
/**
 * A signed or last-resort prekey that was replaced is kept this long after its replacement was
 * made: a bundle taken just before could carry a first message that arrives as late as
 * FIRST_MESSAGE_LATEST_MS. Counted from the replacement, not from the key's own creation: a
 * node that was off for weeks replaces its keys only when it starts again, while first
 * messages built on the old ones wait at its relays.
 */
export const SIGNED_PREKEY_GRACE_MS = FIRST_MESSAGE_LATEST_MS
/** The node tends its prekeys (rotation, top-up, expiry) this often while it runs, as well as at start and after a bundle request. */
export const PREKEY_MAINTENANCE_MS = 60 * 60 * 1000

/**
 * Session records kept in memory (least recently used first out). One holds two ratchets'
 * keys and the ML-KEM keys of the Triple Ratchet, a few KiB; a forgotten one is read back
 * from the store.
 */
export const SESSION_CACHE_SIZE = 1024

/** Envelope ids seen are remembered this long for deduplication (beyond any relay TTL). */
export const SEEN_RETENTION_MS = 45 * 24 * 60 * 60 * 1000

/** Time allowed for resolving a peer (peer store, then DHT) and for fetching its bundle. */
export const RESOLVE_TIMEOUT_MS = 10_000
export const BUNDLE_TIMEOUT_MS = 10_000
/** Time allowed for one direct delivery attempt (dial + send + ack). */
export const DIRECT_SEND_TIMEOUT_MS = 10_000
/**
 * The direct path's head start (DESIGN.md "Delivery": paths race or fail fast). When a direct
 * attempt has not succeeded within this (or failed sooner), the relay path starts beside it:
 * deposit at the recipient's mailboxes or our forwarders, or for a first message a prekey
 * bundle from a mailbox. An unreachable or black-holed address delays a deposit by this much
 * at most.
 */
export const DIRECT_HEAD_START_MS = 1_500
/**
 * The peer store's addresses' head start (src/messenger/reach.ts): when a dial of the addresses
 * a peer had has not connected within this, its contact record and a DHT lookup start beside
 * it. A peer that moved (a new home address, another network), or whose stale addresses come
 * before a live one, is then dialled at the addresses its own record gives, instead of after
 * every stale one timed out (3 s each, 10 s at most).
 */
export const KNOWN_ADDRESSES_HEAD_START_MS = 1_000
