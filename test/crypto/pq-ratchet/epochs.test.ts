// Epochs of the sparse post-quantum ratchet (docs/protocol.md part 3b "Epochs"): they complete
// in ping-pong, in alternating bursts, with lost and reordered messages; every state on the
// way serializes losslessly; no message grows by more than one chunk payload.
import { describe, expect, it } from 'vitest'
import { InvalidStateError } from '../../../src/crypto/errors.js'
import { deserializeRatchetState, ratchetDecrypt, ratchetEncrypt, serializeRatchetState, type RatchetState } from '../../../src/crypto/ratchet/index.js'
import { PqPhase, RatchetStateRecord, type PqRatchetState } from '../../../src/wire/ratchet-state.js'
import { CHUNK_PAYLOAD_LENGTH } from '../../../src/crypto/pq-ratchet/index.js'
import { paddedLength } from '../../../src/crypto/ratchet/padding.js'
import { expectSerializable, fastProvider as provider, makePair, providers, shuffled, text } from '../ratchet/helpers.js'

const NOW = 1_700_000_000_000

interface Party { state: RatchetState }

function send (from: Party, body: Uint8Array): Uint8Array {
  const { state, message } = ratchetEncrypt(provider, from.state, body, { now: NOW })
  from.state = state
  // At most one chunk payload (39 bytes) and the 4-byte epoch are added to a message.
  expect(message.length).toBeLessThanOrEqual(1 + 84 + paddedLength(body.length + CHUNK_PAYLOAD_LENGTH) + 16)
  return message
}

function receive (to: Party, message: Uint8Array, body: Uint8Array): void {
  const { state, plaintext } = ratchetDecrypt(provider, to.state, message, { now: NOW })
  expect(plaintext).toEqual(body)
  to.state = state
}

describe('post-quantum epochs', () => {
  it('complete in ping-pong, again and again, and both sides agree on every epoch key', () => {
    const pair = makePair(provider)
    const alice: Party = { state: pair.alice }
    const bob: Party = { state: pair.bob }
    const completedAt: number[] = []
    let epoch = 0
    for (let i = 0; i < 600; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice]
      const body = text(`m${i}`)
      receive(to, send(from, body), body)
      const agreed = Math.min(alice.state.pq.epoch, bob.state.pq.epoch)
      if (agreed > epoch) {
        epoch = agreed
        completedAt.push(i + 1)
        expect(alice.state.pq.epochKey).toEqual(bob.state.pq.epochKey)
      }
      if (i % 50 === 0) { expectSerializable(alice.state); expectSerializable(bob.state) }
    }
    expect(completedAt.length).toBeGreaterThanOrEqual(3)
    // Each move is 37 key chunks and 34 ciphertext chunks, one per message of the sending side.
    const gaps = completedAt.map((at, i) => at - (i === 0 ? 0 : completedAt[i - 1]))
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(2 * (37 + 34 + 3))
  })

  it('complete in alternating bursts with a third of the messages lost and the rest reordered within each burst', () => {
    const pair = makePair(provider)
    const alice: Party = { state: pair.alice }
    const bob: Party = { state: pair.bob }
    let lost = 0
    for (let turn = 0; turn < 90; turn++) {
      const [from, to] = turn % 2 === 0 ? [alice, bob] : [bob, alice]
      const burst = Array.from({ length: 8 }, (_, i) => { const body = text(`t${turn}m${i}`); return { body, message: send(from, body) } })
      // The first message of a burst always arrives (so the chain is known); of the rest, every third is lost.
      const delivered = [burst[0], ...shuffled(burst.slice(1).filter((_, i) => { const keep = i % 3 !== 1; if (!keep) lost++; return keep }), turn)]
      for (const { body, message } of delivered) receive(to, message, body)
    }
    expect(lost).toBeGreaterThan(150)
    expect(Math.min(alice.state.pq.epoch, bob.state.pq.epoch)).toBeGreaterThanOrEqual(2)
    expectSerializable(alice.state)
    expectSerializable(bob.state)
  })

  it('a one-sided burst only sends key chunks: no epoch completes without replies', () => {
    const pair = makePair(provider)
    const alice: Party = { state: pair.alice }
    const bob: Party = { state: pair.bob }
    // The initiator's messages carry no chunk in epoch 0: the responder is its keygen side and
    // draws its key pair at its first send.
    const first = text('hello')
    receive(bob, send(alice, first), first)
    expect(bob.state.pq).toMatchObject({ epoch: 0, phase: 'sending-ek', decapsulationKey: null })
    for (let i = 0; i < 100; i++) { const body = text(`b${i}`); receive(alice, send(bob, body), body) }
    expect(bob.state.pq).toMatchObject({ epoch: 0, phase: 'sending-ek', nextChunkIndex: 100 })
    // Alice rebuilt the key from its first 37 chunks and encapsulated.
    expect(alice.state.pq).toMatchObject({ epoch: 0, phase: 'sending-ct' })
  })

  it.each(providers)('both providers run the same epochs (%s)', (_name, p) => {
    const pair = makePair(p)
    let alice = pair.alice
    let bob = pair.bob
    for (let i = 0; i < 160; i++) {
      if (i % 2 === 0) {
        const sent = ratchetEncrypt(p, alice, text('x'))
        alice = sent.state
        bob = ratchetDecrypt(p, bob, sent.message).state
      } else {
        const sent = ratchetEncrypt(p, bob, text('y'))
        bob = sent.state
        alice = ratchetDecrypt(p, alice, sent.message).state
      }
    }
    expect(alice.pq.epoch).toBe(1)
    expect(bob.pq.epochKey).toEqual(alice.pq.epochKey)
  })
})

describe('post-quantum state serialization', () => {
  it('refuses states whose fields do not fit the phase', () => {
    const pair = makePair(provider)
    const alice: Party = { state: pair.alice }
    const bob: Party = { state: pair.bob }
    const hello = text('hello')
    receive(bob, send(alice, hello), hello)
    receive(alice, send(bob, hello), hello)
    // Bob (keygen side of epoch 0) has sent one key chunk; Alice collected it.
    const tamper = (state: RatchetState, change: (pq: PqRatchetState) => void): Uint8Array => {
      const record = RatchetStateRecord.decode(serializeRatchetState(state))
      if (record.pq === undefined) throw new Error('no pq')
      change(record.pq)
      return RatchetStateRecord.encode(record)
    }
    const bad: Uint8Array[] = [
      tamper(bob.state, (pq) => { pq.decapsulationKey = undefined }), // a chunk was sent, no key pair
      tamper(bob.state, (pq) => { pq.decapsulationKey = new Uint8Array(2399) }),
      tamper(bob.state, (pq) => { pq.initiator = true }), // the phase no longer fits the side
      tamper(bob.state, (pq) => { pq.epochKey = new Uint8Array(31) }),
      tamper(bob.state, (pq) => { pq.nextEpochKey = new Uint8Array(32) }), // not in this phase
      tamper(alice.state, (pq) => { pq.received = [pq.received[0], pq.received[0]] }), // repeated index
      tamper(alice.state, (pq) => { pq.received = [{ index: 1, data: new Uint8Array(31) }] }),
      tamper(alice.state, (pq) => { pq.phase = PqPhase.PQ_PHASE_UNSPECIFIED }),
      tamper(alice.state, (pq) => { pq.nextChunkIndex = 0x10000 })
    ]
    for (const bytes of bad) expect(() => deserializeRatchetState(bytes)).toThrow(InvalidStateError)
    const sendingEpochAhead = RatchetStateRecord.decode(serializeRatchetState(alice.state))
    sendingEpochAhead.sendingEpoch = 1
    expect(() => deserializeRatchetState(RatchetStateRecord.encode(sendingEpochAhead))).toThrow(InvalidStateError)
    expectSerializable(alice.state)
    expectSerializable(bob.state)
  })
})
