/**
 * Constants of murmur's Double Ratchet with header encryption (Signal's Double Ratchet
 * spec §4, docs/protocol.md part 3). Changing any of them breaks interoperability or the
 * known-answer vectors in test/vectors/.
 */

const utf8 = new TextEncoder()

/**
 * First byte of every ratchet message; also bound into the body AD (docs §"Message"). 0x02 is
 * the Triple Ratchet; 0x01 (the Double Ratchet alone, before it) is refused: no downgrade.
 */
export const RATCHET_MESSAGE_VERSION = 0x02

/** Most message keys derived in one jump along a receiving chain (spec §3.5 MAX_SKIP). */
export const MAX_SKIP = 1000
/** Most skipped message keys held in all; the oldest are evicted first. */
export const MAX_SKIPPED_KEYS = 2000
/** Skipped message keys older than this are dropped when the state is next used (30 days). */
export const SKIPPED_KEY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000
/** Longest plaintext a ratchet message may carry (200 KiB). */
export const MAX_PLAINTEXT_LENGTH = 200 * 1024

/** HKDF info of KDF_RK: UTF-8 "murmur/v1/ratchet/root". */
export const ROOT_KDF_INFO = utf8.encode('murmur/v1/ratchet/root')
/** HKDF info of the message-key expansion: UTF-8 "murmur/v1/ratchet/message". */
export const MESSAGE_KDF_INFO = utf8.encode('murmur/v1/ratchet/message')
/** KDF_CK inputs (spec §5.2 recommendation): HMAC data bytes for the message and next chain keys. */
export const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
export const CHAIN_KEY_SEED = Uint8Array.of(0x02)

export const KEY_LENGTH = 32
export const ROOT_KDF_OUTPUT_LENGTH = 96
export const MESSAGE_KDF_OUTPUT_LENGTH = 44
export const BODY_NONCE_LENGTH = 12

/** Header plaintext: ratchetPublicKey(32) || u32be(pn) || u32be(n) || u32be(epoch). */
export const HEADER_LENGTH = 44
export const HEADER_NONCE_LENGTH = 24
export const AEAD_TAG_LENGTH = 16
/** headerNonce(24) || XChaCha20-Poly1305 ciphertext(44) || tag(16). */
export const ENCRYPTED_HEADER_LENGTH = HEADER_NONCE_LENGTH + HEADER_LENGTH + AEAD_TAG_LENGTH

/** Padded plaintexts are never shorter than this. */
export const MIN_PADDED_LENGTH = 256

/** Receiving chains whose header keys are kept: the current one and the 4 before it. */
export const KEPT_RECEIVING_CHAINS = 5
/** Ranges of evicted/expired message numbers remembered per receiving chain. */
export const MAX_UNAVAILABLE_RANGES = 32

/** Largest message number a header can carry (u32). */
export const MAX_MESSAGE_NUMBER = 0xffffffff

/** Version of the serialized state (src/wire/ratchet-state.proto). */
export const RATCHET_STATE_VERSION = 2
