/**
 * The sparse post-quantum ratchet of murmur's Triple Ratchet (docs/protocol.md part 3b): an
 * ML-KEM-768 exchange per epoch, its key and ciphertext sent in erasure-coded chunks inside
 * ratchet messages, and epoch keys mixed into every Double Ratchet chain.
 */
export type { PqState, PqPhase } from './state.js'
export { isKeygenSide, sendingEpochOf } from './state.js'
export type { Chunk } from './chunk-code.js'
export { encodeChunk, decodeChunks } from './chunk-code.js'
export type { PqPayload } from './payload.js'
export { NO_PAYLOAD, payloadLength, writePayload, readPayload } from './payload.js'
export { initialEpochKey, nextEpochKey, mixChainKey } from './kdf.js'
export { initialPqState, outgoingPayload, acceptChainEpoch, applyPayload, chainEpochKey, encapsulationKeyOf } from './kem-ratchet.js'
export * from './constants.js'
