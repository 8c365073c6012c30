/**
 * The sparse post-quantum ratchet (docs/protocol.md part 3b, "Epochs"): pure functions over
 * PqState that the Double Ratchet calls at three points:
 *
 * - sending a message: `outgoingPayload` gives the chunk (if any) the message carries;
 * - a new receiving chain: `acceptChainEpoch` checks the epoch its header names and, when the
 *   peer has moved to e + 1, completes the move here (and the keygen side draws its next key);
 * - a body that decrypted: `applyPayload` takes in the chunk it carried.
 *
 * Each returns a new state; failures throw and change nothing.
 */
import { InvalidKeyError, InvalidMessageError } from '../errors.js'
import type { CryptoProvider } from '../provider.js'
import { decodeChunks, encodeChunk } from './chunk-code.js'
import { CT_CHUNKS, EK_CHUNKS, EK_OFFSET_IN_DK, MAX_CHUNK_INDEX, MAX_EPOCH } from './constants.js'
import { initialEpochKey, nextEpochKey } from './kdf.js'
import { NO_PAYLOAD, type PqPayload } from './payload.js'
import { isKeygenSide, type PqState } from './state.js'

/** The encapsulation key inside a decapsulation key (FIPS 203 §7.1). */
export function encapsulationKeyOf (decapsulationKey: Uint8Array): Uint8Array {
  return decapsulationKey.subarray(EK_OFFSET_IN_DK, EK_OFFSET_IN_DK + EK_CHUNKS * 32)
}

/**
 * Start the move out of `epoch` on this side. The keygen side draws its key pair lazily, at
 * the first message it sends (as SPQR samples its keys on send): a side that never sends
 * again never pays for one, and accepting a session stays as cheap as PQXDH.
 */
function startMove (initiator: boolean, epoch: number, epochKey: Uint8Array): PqState {
  const base = { initiator, epoch, epochKey, nextEpochKey: null, ciphertext: null, nextChunkIndex: 0, received: [], decapsulationKey: null }
  return { ...base, phase: isKeygenSide(initiator, epoch) ? 'sending-ek' : 'awaiting-ek' }
}

/** The state of a new session: epoch 0 with EK_0 from the PQXDH session key SK. */
export function initialPqState (provider: CryptoProvider, sessionKey: Uint8Array, initiator: boolean): PqState {
  return startMove(initiator, 0, initialEpochKey(provider, sessionKey))
}

/**
 * The chunk the next message carries, and the state after sending it. The first message of
 * 'sending-ek' draws the ML-KEM-768 key pair (64 random bytes).
 */
export function outgoingPayload (provider: CryptoProvider, pq: PqState): { pq: PqState, payload: PqPayload } {
  let data: Uint8Array
  let kind: 'ek' | 'ct'
  if (pq.phase === 'sending-ek') {
    if (pq.decapsulationKey === null) pq = { ...pq, decapsulationKey: provider.mlkem768GenerateKeyPair().privateKey }
    kind = 'ek'
    data = encapsulationKeyOf(pq.decapsulationKey as Uint8Array)
  } else if (pq.phase === 'sending-ct' && pq.ciphertext !== null) {
    kind = 'ct'
    data = pq.ciphertext
  } else {
    return { pq, payload: NO_PAYLOAD }
  }
  const index = pq.nextChunkIndex
  return {
    pq: { ...pq, nextChunkIndex: index === MAX_CHUNK_INDEX ? 0 : index + 1 },
    payload: { kind, targetEpoch: pq.epoch + 1, index, data: encodeChunk(data, index) }
  }
}

/** EK of `epoch` if this side may accept a new receiving chain of that epoch, else null. */
export function chainEpochKey (pq: PqState, epoch: number): Uint8Array | null {
  if (epoch === pq.epoch) return pq.epochKey
  if (epoch === pq.epoch + 1 && pq.nextEpochKey !== null) return pq.nextEpochKey
  return null
}

/**
 * A new receiving chain of `epoch` began (its header named it). Epoch e + 1 from the peer
 * proves it holds EK_{e+1}: the move is complete, EK_e is erased, and the next move starts.
 */
export function acceptChainEpoch (pq: PqState, epoch: number): PqState {
  const key = chainEpochKey(pq, epoch)
  if (key === null) throw new InvalidMessageError(`a chain of epoch ${epoch} is not acceptable in epoch ${pq.epoch}`)
  if (epoch === pq.epoch) return pq
  if (epoch > MAX_EPOCH) throw new InvalidMessageError('epoch counter exhausted')
  return startMove(pq.initiator, epoch, key)
}

/** Add a chunk unless its index is already held; null when it adds nothing. */
function withChunk (pq: PqState, index: number, data: Uint8Array): PqState | null {
  if (pq.received.some((chunk) => chunk.index === index)) return null
  return { ...pq, received: [...pq.received, { index, data }] }
}

/** Take in the post-quantum payload of a message that decrypted. Stale or repeated chunks change nothing. */
export function applyPayload (provider: CryptoProvider, pq: PqState, payload: PqPayload): PqState {
  if (payload.kind === 'none' || payload.targetEpoch !== pq.epoch + 1) return pq

  if (payload.kind === 'ek' && pq.phase === 'awaiting-ek') {
    const next = withChunk(pq, payload.index, payload.data)
    if (next === null) return pq
    if (next.received.length < EK_CHUNKS) return next
    const encapsulationKey = decodeChunks(next.received, EK_CHUNKS)
    let encapsulated
    try {
      // 32 random bytes. FIPS 203 §7.2's modulus check refuses a malformed key.
      encapsulated = provider.mlkem768Encapsulate(encapsulationKey)
    } catch (err) {
      if (err instanceof InvalidKeyError) throw new InvalidMessageError('the peer\'s post-quantum encapsulation key is invalid')
      throw err
    }
    return {
      ...next,
      phase: 'sending-ct',
      nextEpochKey: nextEpochKey(provider, pq.epochKey, payload.targetEpoch, encapsulated.sharedSecret, encapsulationKey, encapsulated.ciphertext),
      ciphertext: encapsulated.ciphertext,
      nextChunkIndex: 0,
      received: []
    }
  }

  if (payload.kind === 'ct' && (pq.phase === 'sending-ek' || pq.phase === 'awaiting-ct') && pq.decapsulationKey !== null) {
    // A ciphertext chunk proves the peer has our key: stop sending it.
    const next = withChunk({ ...pq, phase: 'awaiting-ct' }, payload.index, payload.data) ?? { ...pq, phase: 'awaiting-ct' as const }
    if (next.received.length < CT_CHUNKS) return next
    const ciphertext = decodeChunks(next.received, CT_CHUNKS)
    const sharedSecret = provider.mlkem768Decapsulate(ciphertext, pq.decapsulationKey)
    return {
      ...next,
      phase: 'confirming',
      nextEpochKey: nextEpochKey(provider, pq.epochKey, payload.targetEpoch, sharedSecret, encapsulationKeyOf(pq.decapsulationKey), ciphertext),
      decapsulationKey: null,
      nextChunkIndex: 0,
      received: []
    }
  }
  return pq
}
