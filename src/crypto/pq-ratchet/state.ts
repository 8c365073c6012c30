/**
 * State of the sparse post-quantum ratchet (docs/protocol.md part 3b, "State"), an immutable
 * value inside the ratchet state. Epoch e has the key EK_e, known to both sides. The move to
 * e + 1 is one ML-KEM-768 exchange: the keygen side (the responder when e is even, the
 * initiator when e is odd) sends a fresh encapsulation key in chunks; the other side
 * encapsulates to it and sends the ciphertext back in chunks.
 */
import type { Chunk } from './chunk-code.js'

/**
 * Where this side stands in the move from `epoch` to `epoch + 1`:
 * - 'sending-ek' (keygen side): chunks of our encapsulation key go out on every message;
 * - 'awaiting-ct' (keygen side): the peer has the key (its ciphertext chunks arrive); we send nothing;
 * - 'confirming' (keygen side): we decapsulated and hold EK_{e+1}; our new chains use e + 1;
 * - 'awaiting-ek' (encapsulating side): collecting the peer's key chunks; we send nothing;
 * - 'sending-ct' (encapsulating side): we encapsulated and hold EK_{e+1}; ciphertext chunks go
 *   out on every message until a chain of epoch e + 1 arrives.
 */
export type PqPhase = 'sending-ek' | 'awaiting-ct' | 'confirming' | 'awaiting-ek' | 'sending-ct'

export interface PqState {
  /** The session's initiator: keygen side of the moves out of odd epochs. */
  readonly initiator: boolean
  readonly epoch: number
  /** EK_epoch (32 bytes). */
  readonly epochKey: Uint8Array
  /** EK_{epoch+1} in 'confirming' and 'sending-ct'. */
  readonly nextEpochKey: Uint8Array | null
  readonly phase: PqPhase
  /**
   * The ML-KEM-768 decapsulation key (2400 bytes, the encapsulation key inside) in
   * 'awaiting-ct', and in 'sending-ek' once drawn (at the first message sent in that phase).
   */
  readonly decapsulationKey: Uint8Array | null
  /** Our ML-KEM-768 ciphertext (1088 bytes) in 'sending-ct'. */
  readonly ciphertext: Uint8Array | null
  /** Index of the next chunk we send ('sending-ek', 'sending-ct'). */
  readonly nextChunkIndex: number
  /** Distinct chunks received of the object we await, in arrival order (fewer than it has). */
  readonly received: readonly Chunk[]
}

/** Is this side the keygen side of the move out of `epoch`? */
export function isKeygenSide (initiator: boolean, epoch: number): boolean {
  return (epoch % 2 === 0) !== initiator
}

/** The epoch of a sending chain created now (docs §"Epochs"). */
export function sendingEpochOf (pq: PqState): number {
  return pq.phase === 'confirming' ? pq.epoch + 1 : pq.epoch
}
