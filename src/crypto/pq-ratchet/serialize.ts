/**
 * Storage form of PqState (src/wire/ratchet-state.proto, PqRatchetState): lossless, and a
 * decoder that checks every field against the phase (docs/protocol.md part 3b, "State").
 */
import { InvalidStateError } from '../errors.js'
import { PqPhase as WirePhase, type PqRatchetState } from '../../wire/ratchet-state.js'
import { CHUNK_LENGTH, CT_CHUNKS, DK_LENGTH, EK_CHUNKS, MAX_CHUNK_INDEX } from './constants.js'
import { MLKEM768_CIPHERTEXT_LENGTH } from '../provider.js'
import type { Chunk } from './chunk-code.js'
import { isKeygenSide, sendingEpochOf, type PqPhase, type PqState } from './state.js'

type B = Uint8Array<ArrayBuffer>

const TO_WIRE: Record<PqPhase, WirePhase> = {
  'sending-ek': WirePhase.SENDING_EK,
  'awaiting-ct': WirePhase.AWAITING_CT,
  confirming: WirePhase.CONFIRMING,
  'awaiting-ek': WirePhase.AWAITING_EK,
  'sending-ct': WirePhase.SENDING_CT
}
const KEYGEN_PHASES: ReadonlySet<PqPhase> = new Set(['sending-ek', 'awaiting-ct', 'confirming'])

export function pqStateToWire (pq: PqState): PqRatchetState {
  return {
    initiator: pq.initiator,
    epoch: pq.epoch,
    epochKey: pq.epochKey as B,
    nextEpochKey: (pq.nextEpochKey ?? undefined) as B | undefined,
    phase: TO_WIRE[pq.phase],
    decapsulationKey: (pq.decapsulationKey ?? undefined) as B | undefined,
    ciphertext: (pq.ciphertext ?? undefined) as B | undefined,
    nextChunkIndex: pq.nextChunkIndex,
    received: pq.received.map((chunk) => ({ index: chunk.index, data: chunk.data as B }))
  }
}

function phaseFromWire (phase: WirePhase): PqPhase {
  for (const [name, wire] of Object.entries(TO_WIRE)) if (wire === phase) return name as PqPhase
  throw new InvalidStateError('post-quantum phase is unknown')
}

function present (bytes: Uint8Array | undefined, length: number, what: string, expected: boolean): Uint8Array | null {
  if (!expected) {
    if (bytes !== undefined) throw new InvalidStateError(`${what} present in the wrong phase`)
    return null
  }
  if (bytes?.length !== length) throw new InvalidStateError(`${what} must be ${length} bytes`)
  return bytes.slice()
}

/** Inverse of pqStateToWire; InvalidStateError on anything inconsistent. `sendingEpoch` is the ratchet's. */
export function pqStateFromWire (wire: PqRatchetState | undefined, sendingEpoch: number): PqState {
  if (wire === undefined) throw new InvalidStateError('post-quantum state missing')
  const phase = phaseFromWire(wire.phase)
  if (KEYGEN_PHASES.has(phase) !== isKeygenSide(wire.initiator, wire.epoch)) throw new InvalidStateError('post-quantum phase does not fit the side and epoch')
  const epochKey = present(wire.epochKey, 32, 'epoch key', true) as Uint8Array
  const nextEpochKey = present(wire.nextEpochKey, 32, 'next epoch key', phase === 'confirming' || phase === 'sending-ct')
  // In 'sending-ek' the key pair is drawn at the first send: absent before, present after.
  const decapsulationKey = phase === 'sending-ek' && wire.decapsulationKey === undefined
    ? null
    : present(wire.decapsulationKey, DK_LENGTH, 'decapsulation key', phase === 'sending-ek' || phase === 'awaiting-ct')
  const ciphertext = present(wire.ciphertext, MLKEM768_CIPHERTEXT_LENGTH, 'ciphertext', phase === 'sending-ct')
  if (wire.nextChunkIndex > MAX_CHUNK_INDEX) throw new InvalidStateError('chunk index out of range')
  const awaited = phase === 'awaiting-ek' ? EK_CHUNKS : (phase === 'sending-ek' || phase === 'awaiting-ct') ? CT_CHUNKS : 0
  if (wire.received.length > Math.max(0, awaited - 1)) throw new InvalidStateError('too many received chunks for the phase')
  const seen = new Set<number>()
  const received: Chunk[] = wire.received.map((chunk) => {
    if (chunk.index > MAX_CHUNK_INDEX || seen.has(chunk.index)) throw new InvalidStateError('received chunk index out of range or repeated')
    if (chunk.data.length !== CHUNK_LENGTH) throw new InvalidStateError('received chunk must be 32 bytes')
    seen.add(chunk.index)
    return { index: chunk.index, data: chunk.data.slice() }
  })
  if (phase === 'sending-ek' && decapsulationKey === null && (received.length > 0 || wire.nextChunkIndex !== 0)) {
    throw new InvalidStateError('no key pair drawn, yet chunks sent or received')
  }
  const pq: PqState = { initiator: wire.initiator, epoch: wire.epoch, epochKey, nextEpochKey, phase, decapsulationKey, ciphertext, nextChunkIndex: wire.nextChunkIndex, received }
  if (sendingEpoch < pq.epoch || sendingEpoch > sendingEpochOf(pq)) throw new InvalidStateError('sending epoch does not fit the post-quantum state')
  return pq
}
