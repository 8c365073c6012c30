/**
 * test/vectors/transcript.json: a full two-party transcript from PQXDH through several
 * post-quantum epochs of the Triple Ratchet, with out-of-order, dropped and late messages (some
 * decrypted under an older chain's header key) and a reset, recomputed byte for byte by both
 * providers (docs/protocol.md part 4 "Vectors"). Each party has its own deterministic random
 * source; the responder first draws its prekeys (as in pqxdh.json), then both draw for every
 * ratchet key, ML-KEM operation and header nonce in step order.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../src/crypto/bytes.js'
import { deterministicRandom } from '../../../src/crypto/deterministic-random.js'
import { identityFromSeed } from '../../../src/crypto/identity.js'
import {
  createBundle, encodeBundle, generateLastResortKemPreKey, generateOneTimeKemPreKeys, generateOneTimePreKeys,
  generateSignedPreKey, type ResponderContext
} from '../../../src/crypto/pqxdh/index.js'
import type { ProviderName } from '../../../src/crypto/provider.js'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import {
  initiateSession, sessionDecrypt, sessionEncrypt, type SessionMessage, type SessionRecord
} from '../../../src/crypto/session/index.js'
import { hex } from '../pqxdh/fixtures.js'
import { readVectors, WRITE_VECTORS, writeVectors } from '../pqxdh/vector-file.js'

type Step =
  | { action: 'send', from: 'alice' | 'bob', id: string, plaintext: string }
  | { action: 'deliver', id: string }
  // Never delivered (documents the loss; nothing runs).
  | { action: 'drop', id: string }
  // Alice loses her record and initiates anew with `resetBundle` (no one-time prekeys).
  | { action: 'reset' }
interface Input {
  aliceIdentitySeed: string
  bobIdentitySeed: string
  aliceRandomSeed: string
  bobRandomSeed: string
  now: number
  signedPreKeyId: number
  lastResortKemPreKeyId: number
  oneTimePreKeyId: number
  oneTimeKemPreKeyId: number
  steps: Step[]
}
interface Output {
  bundle: string
  messages: Array<{ id: string, from: string, kind: string, bytes: string }>
  resetBundle: string
  // `epoch`: the receiver's post-quantum epoch (its current session) after the delivery.
  deliveries: Array<{ id: string, to: string, plaintext: string, established: boolean, reset: boolean, epoch: number }>
}

const FILE = new URL('../../vectors/transcript.json', import.meta.url)
const seedHex = (label: string): string => hex(new TextEncoder().encode(label.padEnd(32, '.')).subarray(0, 32))

// Sends and deliveries; each id is the sender's initial and a counter.
const SCHEDULE = 'a1 a2 a3 >a2 >a1 b1 b2 a4 >b2 >a4 >a3 >b1 a5 a6 b3 b4 >b4 >a6 >a5 >b3 a7 b5 >a7 >b5 ' +
  'a8 a9 a10 b6 b7 b8 >b8 >a10 >b6 >a8 >a9 >b7 b9 b10 a11 >a11 >b10 >b9'

const sendStep = (id: string): Step => ({ action: 'send', from: id.startsWith('a') ? 'alice' : 'bob', id, plaintext: `${id.startsWith('a') ? 'Alice' : 'Bob'} says ${id.slice(1)}: ${'murmur '.repeat(Number(id.slice(1)) % 4)}`.trimEnd() })

/**
 * After the opening SCHEDULE: turns alternate (Bob first), each a burst of 1, 2 or 3
 * messages. Of every message j (counted across turns): j % 7 === 3 is dropped; j % 11 === 5
 * is held and delivered two turns later, after the receiver has taken a newer chain of the
 * same sender (so it opens under an older chain's header key); the rest arrive in order.
 */
function turns (count: number, counters: { a: number, b: number }, out: Step[]): void {
  let j = 0
  const held: Array<{ due: number, id: string }> = []
  for (let turn = 0; turn < count; turn++) {
    const side = turn % 2 === 0 ? 'b' : 'a'
    const ids: string[] = []
    for (let k = 0; k < 1 + (turn % 3); k++) ids.push(`${side}${++counters[side]}`)
    for (const id of ids) out.push(sendStep(id))
    for (const id of ids) {
      if (j % 7 === 3) out.push({ action: 'drop', id })
      else if (j % 11 === 5) held.push({ due: turn + 2, id })
      else out.push({ action: 'deliver', id })
      j++
    }
    for (const h of held.filter((x) => x.due === turn)) out.push({ action: 'deliver', id: h.id })
  }
  for (const h of held.filter((x) => x.due >= count)) out.push({ action: 'deliver', id: h.id })
}

function steps (): Step[] {
  const out = SCHEDULE.split(' ').map((token): Step => token.startsWith('>') ? { action: 'deliver', id: token.slice(1) } : sendStep(token))
  const counters = { a: 11, b: 10 }
  turns(300, counters, out)
  // A reset: Alice lost her record; her new session's first messages establish it at Bob.
  out.push({ action: 'reset' })
  for (const id of [`a${++counters.a}`, `a${++counters.a}`]) out.push(sendStep(id))
  out.push({ action: 'deliver', id: `a${counters.a}` }, { action: 'deliver', id: `a${counters.a - 1}` })
  turns(6, counters, out)
  return out
}

const INPUT: Input = {
  aliceIdentitySeed: seedHex('transcript alice'),
  bobIdentitySeed: seedHex('transcript bob'),
  aliceRandomSeed: seedHex('transcript alice random'),
  bobRandomSeed: seedHex('transcript bob random'),
  now: 1_700_000_000_000,
  signedPreKeyId: 1,
  lastResortKemPreKeyId: 2,
  oneTimePreKeyId: 100,
  oneTimeKemPreKeyId: 200,
  steps: steps()
}

function run (name: ProviderName, input: Input): Output {
  const text = new TextEncoder()
  const aliceProvider = createProvider(name, { randomBytes: deterministicRandom(fromHex(input.aliceRandomSeed)) })
  const bobProvider = createProvider(name, { randomBytes: deterministicRandom(fromHex(input.bobRandomSeed)) })
  const alice = identityFromSeed(fromHex(input.aliceIdentitySeed), aliceProvider)
  const bob = identityFromSeed(fromHex(input.bobIdentitySeed), bobProvider)
  const now = input.now
  const signedPreKey = generateSignedPreKey(bobProvider, bob, input.signedPreKeyId, { now })
  const lastResortKemPreKey = generateLastResortKemPreKey(bobProvider, bob, input.lastResortKemPreKeyId, { now })
  const [oneTimePreKey] = generateOneTimePreKeys(bobProvider, input.oneTimePreKeyId, 1, { now })
  const [oneTimeKemPreKey] = generateOneTimeKemPreKeys(bobProvider, bob, input.oneTimeKemPreKeyId, 1, { now })
  const bundle = createBundle(bob, { signedPreKey, lastResortKemPreKey, oneTimePreKey, oneTimeKemPreKey })
  const resetBundle = createBundle(bob, { signedPreKey, lastResortKemPreKey })
  const context = (identity: typeof alice, withPreKeys: boolean): ResponderContext => ({
    identity,
    findSignedPreKey: (id) => withPreKeys && id === signedPreKey.id ? signedPreKey : undefined,
    findKemPreKey: (id, kind) => !withPreKeys ? undefined : kind === 'one-time' && id === oneTimeKemPreKey.id ? oneTimeKemPreKey : kind === 'last-resort' && id === lastResortKemPreKey.id ? lastResortKemPreKey : undefined,
    findOneTimePreKey: (id) => withPreKeys && id === oneTimePreKey.id ? oneTimePreKey : undefined,
    isLastResortBaseKeyUsed: () => false
  })
  const parties = {
    alice: { provider: aliceProvider, record: undefined as SessionRecord | undefined, context: context(alice, false) },
    bob: { provider: bobProvider, record: undefined as SessionRecord | undefined, context: context(bob, true) }
  }
  parties.alice.record = initiateSession(aliceProvider, undefined, alice, bundle, { now })

  const out: Output = { bundle: hex(encodeBundle(bundle)), resetBundle: hex(encodeBundle(resetBundle)), messages: [], deliveries: [] }
  const sent = new Map<string, { to: 'alice' | 'bob', message: SessionMessage }>()
  for (const step of input.steps) {
    if (step.action === 'drop') continue
    if (step.action === 'reset') {
      parties.alice.record = initiateSession(aliceProvider, undefined, alice, resetBundle, { now })
      continue
    }
    if (step.action === 'send') {
      const party = parties[step.from]
      const { record, message } = sessionEncrypt(party.provider, party.record, text.encode(step.plaintext), { now })
      party.record = record
      sent.set(step.id, { to: step.from === 'alice' ? 'bob' : 'alice', message })
      out.messages.push({ id: step.id, from: step.from, kind: message.kind, bytes: hex(message.bytes) })
    } else {
      const m = sent.get(step.id)
      if (m == null) throw new Error(`unknown message ${step.id}`)
      const party = parties[m.to]
      const result = sessionDecrypt(party.provider, party.record, m.message, party.context, { now })
      party.record = result.record
      out.deliveries.push({ id: step.id, to: m.to, plaintext: new TextDecoder().decode(result.plaintext), established: result.established, reset: result.reset, epoch: result.record.current.ratchet.pq.epoch })
    }
  }
  return out
}

describe('two-party transcript vectors (test/vectors/transcript.json)', () => {
  it('the schedule has >= 10 messages each way, delivered out of order, with drops, late messages and a reset', () => {
    const s = INPUT.steps
    expect(s.filter((x) => x.action === 'send' && x.from === 'alice').length).toBeGreaterThanOrEqual(10)
    expect(s.filter((x) => x.action === 'send' && x.from === 'bob').length).toBeGreaterThanOrEqual(10)
    const sendOrder = s.filter((x) => x.action === 'send').map((x) => x.id)
    const deliverOrder = s.filter((x) => x.action === 'deliver').map((x) => x.id)
    const dropped = s.filter((x) => x.action === 'drop').map((x) => x.id)
    expect(dropped.length).toBeGreaterThan(20)
    expect(new Set([...deliverOrder, ...dropped]).size).toBe(sendOrder.length)
    expect(s.filter((x) => x.action === 'reset').length).toBe(1)
    const aliceSends = sendOrder.filter((id) => id.startsWith('a'))
    expect(deliverOrder.filter((id) => id.startsWith('a'))).not.toEqual(aliceSends)
  })

  it('both providers reproduce every message byte and plaintext', () => {
    if (WRITE_VECTORS) {
      writeVectors(FILE, {
        name: 'transcript',
        version: 2,
        description: 'A two-party Triple Ratchet session from PQXDH: Bob draws his prekeys (signed, last-resort ML-KEM, one-time X25519, one-time ML-KEM) from deterministicRandom(bobRandomSeed) and publishes `bundle` (and `resetBundle`, the same without one-time prekeys); Alice calls initiateSession, then the steps run in order: send = sessionEncrypt by `from` (kind prekey|ratchet, exact bytes), deliver = sessionDecrypt by the other party, drop = nothing (the message is lost), reset = Alice forgets her record and calls initiateSession with resetBundle. Each party draws all its randomness from its own stream. `now` is the clock of every call. `epoch` is the receiver\'s post-quantum epoch after a delivery.',
        cases: [{ comment: 'opening out of order (a1..a4 are prekey messages), then 300 turns of 1-3 messages with drops and late messages through several epochs, then a reset', input: INPUT, output: run('noble', INPUT) }]
      })
    }
    const file = readVectors<Input, Output>(FILE)
    expect(file.name).toBe('transcript')
    const [c] = file.cases
    expect(c.input).toEqual(INPUT)
    for (const name of PROVIDER_NAMES) expect(run(name, c.input)).toEqual(c.output)
    for (const d of c.output.deliveries) {
      const step = c.input.steps.find((s) => s.action === 'send' && s.id === d.id)
      expect(step?.action === 'send' ? step.plaintext : undefined).toBe(d.plaintext)
    }
    const prekeyIds = c.output.messages.filter((m) => m.kind === 'prekey').map((m) => m.id)
    expect(prekeyIds.slice(0, 4)).toEqual(['a1', 'a2', 'a3', 'a4'])
    // Several epochs completed before the reset; the reset restarts at epoch 0.
    const resetAt = c.output.deliveries.findIndex((d) => d.reset)
    expect(resetAt).toBeGreaterThan(0)
    expect(Math.max(...c.output.deliveries.slice(0, resetAt).map((d) => d.epoch))).toBeGreaterThanOrEqual(3)
    expect(c.output.deliveries[resetAt]).toMatchObject({ to: 'bob', established: true, reset: true, epoch: 0 })
  })
})
