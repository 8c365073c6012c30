/**
 * murmur's Double Ratchet with header encryption (Signal's Double Ratchet spec §4), specified
 * in docs/protocol.md part 3. Pure functions: every call returns a new state.
 */
export type { RatchetState } from './state.js'
export { initializeInitiator, initializeResponder, ratchetEncrypt, ratchetDecrypt } from './ratchet.js'
export { serializeRatchetState, deserializeRatchetState } from './serialize.js'
export { MAX_SKIP, MAX_SKIPPED_KEYS, SKIPPED_KEY_MAX_AGE_MS, MAX_PLAINTEXT_LENGTH, RATCHET_MESSAGE_VERSION } from './constants.js'
export { padPlaintext, unpadPlaintext } from './padding.js'
export { SendingChainUnavailableError } from './errors.js'
