// Post-quantum healing (docs/protocol.md part 3b "Security"): after a full compromise of
// Alice's state, an attacker who ALSO breaks X25519 (every classical secret of both sides,
// at every point, is handed to it) reads the conversation only until the post-quantum ratchet
// has completed moves whose ML-KEM secrets it never saw; from then on it reads nothing.
import { describe, expect, it } from 'vitest'
import { ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { encapsulationKeyOf, nextEpochKey } from '../../../src/crypto/pq-ratchet/index.js'
import { fastProvider as provider, makePair, text } from '../ratchet/helpers.js'

interface Move { ek: Uint8Array, ct: Uint8Array }

/**
 * The attacker's view of a receiver's state before a message: every classical secret (root
 * key, X25519 key pairs, header keys, counters) is the real one; every value that depends on
 * a post-quantum epoch key (chain keys, skipped keys, epoch keys) is replaced by what the
 * attacker can compute, or by random bytes when it cannot.
 */
function attackerView (real: RatchetState, known: Map<number, Uint8Array>): RatchetState {
  const guess = (epoch: number): Uint8Array => known.get(epoch) ?? provider.randomBytes(32)
  return {
    ...real,
    sendingChainKey: real.sendingChainKey === null ? null : provider.randomBytes(32),
    receivingChainKey: real.receivingChainKey === null ? null : provider.randomBytes(32),
    skippedMessageKeys: [],
    pq: {
      ...real.pq,
      epochKey: guess(real.pq.epoch),
      nextEpochKey: real.pq.nextEpochKey === null ? null : guess(real.pq.epoch + 1),
      decapsulationKey: null
    }
  }
}

function reads (receiverBefore: RatchetState, message: Uint8Array, known: Map<number, Uint8Array>): boolean {
  try {
    ratchetDecrypt(provider, attackerView(receiverBefore, known), message)
    return true
  } catch {
    return false
  }
}

describe('post-quantum healing', () => {
  it('an attacker with Alice\'s old state and every X25519 secret stops reading once two moves complete, and never reads again', () => {
    const pair = makePair(provider)
    let alice = pair.alice
    let bob = pair.bob
    const moves = new Map<number, Move>()
    const realKeys = new Map<number, Uint8Array>([[0, alice.pq.epochKey]])
    const observe = (): void => {
      // Everything on the wire is the attacker's: record each move's key and ciphertext.
      for (const [k, e] of [[alice, bob], [bob, alice]]) {
        if (e.pq.phase === 'sending-ct' && e.pq.ciphertext !== null && k.pq.decapsulationKey !== null && !moves.has(e.pq.epoch + 1)) {
          moves.set(e.pq.epoch + 1, { ek: encapsulationKeyOf(k.pq.decapsulationKey).slice(), ct: e.pq.ciphertext })
        }
      }
      for (const s of [alice, bob]) {
        realKeys.set(s.pq.epoch, s.pq.epochKey)
        if (s.pq.nextEpochKey !== null) realKeys.set(s.pq.epoch + 1, s.pq.nextEpochKey)
      }
    }
    const step = (i: number): { receiverBefore: RatchetState, message: Uint8Array } => {
      const fromAlice = i % 2 === 0
      const sent = ratchetEncrypt(provider, fromAlice ? alice : bob, text(`m${i}`))
      const receiverBefore = fromAlice ? bob : alice
      const received = ratchetDecrypt(provider, receiverBefore, sent.message)
      if (fromAlice) { alice = sent.state; bob = received.state } else { bob = sent.state; alice = received.state }
      observe()
      return { receiverBefore, message: sent.message }
    }

    // Some conversation, then the compromise, at its worst: Alice in the middle of a move as
    // its keygen side, her ML-KEM decapsulation key in the stolen state.
    let start = 0
    while (!(alice.pq.phase === 'sending-ek' && alice.pq.decapsulationKey !== null && alice.pq.nextChunkIndex >= 10)) step(start++)
    const snapshot = alice
    expect(start).toBeLessThan(400)

    // What the attacker knows: the snapshot's epoch keys and its ML-KEM decapsulation key.
    const known = new Map<number, Uint8Array>([[snapshot.pq.epoch, snapshot.pq.epochKey]])
    if (snapshot.pq.nextEpochKey !== null) known.set(snapshot.pq.epoch + 1, snapshot.pq.nextEpochKey)
    const learn = (): void => {
      // For each completed move it can follow: SS = Decaps(ct, dk) needs the snapshot's dk.
      for (const [epoch, move] of moves) {
        if (known.has(epoch) || !known.has(epoch - 1) || snapshot.pq.decapsulationKey === null) continue
        if (!Buffer.from(encapsulationKeyOf(snapshot.pq.decapsulationKey)).equals(Buffer.from(move.ek))) continue
        const ss = provider.mlkem768Decapsulate(move.ct, snapshot.pq.decapsulationKey)
        known.set(epoch, nextEpochKey(provider, known.get(epoch - 1) as Uint8Array, epoch, ss, move.ek, move.ct))
      }
    }

    const readByAttacker: boolean[] = []
    const epochAt: number[] = []
    for (let i = start; i < start + 2 * 300; i++) {
      const { receiverBefore, message } = step(i)
      learn()
      readByAttacker.push(reads(receiverBefore, message, known))
      // The control: the same view with the REAL epoch keys reads every message, so the
      // attacker's failures come from the post-quantum keys alone.
      expect(reads(receiverBefore, message, realKeys)).toBe(true)
      epochAt.push(Math.min(alice.pq.epoch, bob.pq.epoch))
    }

    // The compromise is real: the attacker reads the messages right after it...
    expect(readByAttacker.slice(0, 10).every(Boolean)).toBe(true)
    // ...including the whole of the move Alice's stolen key completes (it holds dk).
    const lastRead = readByAttacker.lastIndexOf(true)
    const firstEpoch = snapshot.pq.epoch
    expect(epochAt[lastRead]).toBeLessThanOrEqual(firstEpoch + 2)
    // Healed: after two moves completed, nothing more, for hundreds of messages.
    expect(readByAttacker.length - lastRead - 1).toBeGreaterThan(200)
    expect(Math.min(alice.pq.epoch, bob.pq.epoch)).toBeGreaterThanOrEqual(firstEpoch + 3)
    // The attacker did learn the epoch of the stolen key pair (the model is not trivially blind).
    expect(known.has(firstEpoch + 1)).toBe(true)
    expect(known.has(firstEpoch + 2)).toBe(false)
  })
})
