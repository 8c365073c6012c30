/**
 * test/vectors/transcript.json: a full two-party transcript from PQXDH, with out-of-order
 * delivery, recomputed byte for byte by both providers (docs/protocol.md part 4 "Vectors").
 * Each party has its own deterministic random source; the responder first draws its prekeys
 * (as in pqxdh.json), then both draw for every ratchet key and header nonce in step order.
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

type Step = { action: 'send', from: 'alice' | 'bob', id: string, plaintext: string } | { action: 'deliver', id: string }
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
  deliveries: Array<{ id: string, to: string, plaintext: string, established: boolean, reset: boolean }>
}

const FILE = new URL('../../vectors/transcript.json', import.meta.url)
const seedHex = (label: string): string => hex(new TextEncoder().encode(label.padEnd(32, '.')).subarray(0, 32))

// Sends and deliveries; each id is the sender's initial and a counter.
const SCHEDULE = 'a1 a2 a3 >a2 >a1 b1 b2 a4 >b2 >a4 >a3 >b1 a5 a6 b3 b4 >b4 >a6 >a5 >b3 a7 b5 >a7 >b5 ' +
  'a8 a9 a10 b6 b7 b8 >b8 >a10 >b6 >a8 >a9 >b7 b9 b10 a11 >a11 >b10 >b9'

function steps (): Step[] {
  return SCHEDULE.split(' ').map((token): Step => token.startsWith('>')
    ? { action: 'deliver', id: token.slice(1) }
    : { action: 'send', from: token.startsWith('a') ? 'alice' : 'bob', id: token, plaintext: `${token.startsWith('a') ? 'Alice' : 'Bob'} says ${token.slice(1)}: ${'murmur '.repeat(Number(token.slice(1)) % 4)}`.trimEnd() })
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

  const out: Output = { bundle: hex(encodeBundle(bundle)), messages: [], deliveries: [] }
  const sent = new Map<string, { to: 'alice' | 'bob', message: SessionMessage }>()
  for (const step of input.steps) {
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
      out.deliveries.push({ id: step.id, to: m.to, plaintext: new TextDecoder().decode(result.plaintext), established: result.established, reset: result.reset })
    }
  }
  return out
}

describe('two-party transcript vectors (test/vectors/transcript.json)', () => {
  it('the schedule has >= 10 messages each way, delivered out of order', () => {
    const s = INPUT.steps
    expect(s.filter((x) => x.action === 'send' && x.from === 'alice').length).toBeGreaterThanOrEqual(10)
    expect(s.filter((x) => x.action === 'send' && x.from === 'bob').length).toBeGreaterThanOrEqual(10)
    const sendOrder = s.filter((x) => x.action === 'send').map((x) => x.id)
    const deliverOrder = s.filter((x) => x.action === 'deliver').map((x) => x.id)
    expect(new Set(deliverOrder).size).toBe(sendOrder.length)
    const aliceSends = sendOrder.filter((id) => id.startsWith('a'))
    expect(deliverOrder.filter((id) => id.startsWith('a'))).not.toEqual(aliceSends)
  })

  it('both providers reproduce every message byte and plaintext', () => {
    if (WRITE_VECTORS) {
      writeVectors(FILE, {
        name: 'transcript',
        version: 1,
        description: 'A two-party session from PQXDH: Bob draws his prekeys (signed, last-resort ML-KEM, one-time X25519, one-time ML-KEM) from deterministicRandom(bobRandomSeed) and publishes `bundle`; Alice calls initiateSession, then the steps run in order: send = sessionEncrypt by `from` (kind prekey|ratchet, exact bytes), deliver = sessionDecrypt by the other party. Each party draws all its randomness from its own stream. `now` is the clock of every call.',
        cases: [{ comment: '11 messages from Alice, 10 from Bob, delivered out of order', input: INPUT, output: run('noble', INPUT) }]
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
    expect(c.output.messages.filter((m) => m.kind === 'prekey').map((m) => m.id)).toEqual(['a1', 'a2', 'a3', 'a4'])
  })
})
