import { describe, it, expect } from 'vitest'
import {
  deserializeRatchetState, ratchetDecrypt, ratchetEncrypt, serializeRatchetState, type RatchetState
} from '../../../src/crypto/ratchet/index.js'
import { InvalidStateError } from '../../../src/crypto/errors.js'
import { RatchetStateRecord } from '../../../src/wire/ratchet-state.js'
import { expectSerializable, fastProvider, makePair, providers, shuffled, text } from './helpers.js'

describe.each(providers)('state serialization (%s)', (_name, provider) => {
  it('is lossless at every step of a random conversation, and restored states carry on', () => {
    let { alice, bob } = makePair(provider)
    expectSerializable(alice)
    expectSerializable(bob)
    const pending: Array<{ to: 'alice' | 'bob', message: Uint8Array, plaintext: Uint8Array }> = []
    let seed = 12345
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    let now = 1_700_000_000_000
    for (let step = 0; step < 150; step++) {
      now += 1000
      const action = next(4)
      if (action <= 1 || pending.length === 0) {
        const fromAlice = action === 0 || bob.sendingChainKey === null
        const plaintext = text(`step ${step}`)
        const sent = ratchetEncrypt(provider, fromAlice ? alice : bob, plaintext, { now })
        if (fromAlice) alice = sent.state
        else bob = sent.state
        pending.push({ to: fromAlice ? 'bob' : 'alice', message: sent.message, plaintext })
      } else {
        // Deliver a random pending message (out of order), through a serialize/restore cycle.
        const [item] = pending.splice(next(pending.length), 1)
        const receiver = deserializeRatchetState(serializeRatchetState(item.to === 'bob' ? bob : alice))
        const result = ratchetDecrypt(provider, receiver, item.message, { now })
        expect(result.plaintext).toEqual(item.plaintext)
        if (item.to === 'bob') bob = result.state
        else alice = result.state
      }
      expectSerializable(alice)
      expectSerializable(bob)
    }
    for (const item of shuffled(pending, 3)) {
      const result = ratchetDecrypt(provider, item.to === 'bob' ? bob : alice, item.message, { now })
      if (item.to === 'bob') bob = result.state
      else alice = result.state
      expectSerializable(item.to === 'bob' ? bob : alice)
    }
  })
})

describe('state deserialization refuses bad input', () => {
  const { alice } = makePair(fastProvider)
  const sent = ratchetEncrypt(fastProvider, alice, text('x'))
  const { bob } = makePair(fastProvider)
  const good = serializeRatchetState(sent.state)

  function withRecord (change: (record: RatchetStateRecord) => void): Uint8Array {
    const record = RatchetStateRecord.decode(good)
    change(record)
    return RatchetStateRecord.encode(record)
  }

  it('refuses garbage bytes', () => {
    for (const bytes of [Uint8Array.of(0xff, 0xff, 0xff), new Uint8Array(0), fastProvider.randomBytes(200), good.subarray(0, good.length - 3)]) {
      expect(() => deserializeRatchetState(bytes)).toThrow(InvalidStateError)
    }
  })

  it('refuses an unknown version', () => {
    expect(() => deserializeRatchetState(withRecord((r) => { r.version = 3 }))).toThrow(InvalidStateError)
    expect(() => deserializeRatchetState(withRecord((r) => { r.version = 0 }))).toThrow(InvalidStateError)
    // Version 1 is the Double Ratchet alone, from before the Triple Ratchet: refused.
    expect(() => deserializeRatchetState(withRecord((r) => { r.version = 1 }))).toThrow(InvalidStateError)
  })

  it('refuses wrong key lengths and inconsistent fields', () => {
    const changes: Array<(r: RatchetStateRecord) => void> = [
      (r) => { r.rootKey = new Uint8Array(31) },
      (r) => { r.sendingRatchetPrivateKey = new Uint8Array(33) },
      (r) => { r.sendingNextHeaderKey = new Uint8Array(0) },
      (r) => { r.remoteRatchetKey = new Uint8Array(16) },
      (r) => { r.sendingChainKey = undefined },
      (r) => { r.receivingHeaderKey = new Uint8Array(32) },
      (r) => { r.skippedMessageKeys = [{ headerKey: new Uint8Array(32), messageNumber: 1, messageKey: new Uint8Array(32), createdAt: 0 }] },
      (r) => { r.receivingUnavailable = [{ first: 5, last: 2, reason: 'EVICTED' as never }] },
      (r) => { r.ad = new Uint8Array(5000) }
    ]
    for (const change of changes) expect(() => deserializeRatchetState(withRecord(change))).toThrow(InvalidStateError)
  })

  it('round-trips a responder state with absent optional keys', () => {
    const back: RatchetState = deserializeRatchetState(serializeRatchetState(bob))
    expect(back).toEqual(bob)
    expect(back.sendingChainKey).toBeNull()
    expect(back.remoteRatchetKey).toBeNull()
  })
})
