/**
 * test/vectors/pqxdh.json: PQXDH from fixed identity seeds and deterministic random sources,
 * recomputed with both providers byte for byte (docs/protocol.md part 2 "Vectors").
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../src/crypto/bytes.js'
import { deterministicRandom } from '../../../src/crypto/deterministic-random.js'
import { identityFromSeed } from '../../../src/crypto/identity.js'
import {
  createBundle, encodeBundle, generateLastResortKemPreKey, generateOneTimeKemPreKeys, generateOneTimePreKeys,
  generateSignedPreKey, pqxdhInitiate, pqxdhRespond
} from '../../../src/crypto/pqxdh/index.js'
import type { ProviderName } from '../../../src/crypto/provider.js'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import { hex, NOW } from './fixtures.js'
import { readVectors, WRITE_VECTORS, writeVectors, type VectorFile } from './vector-file.js'

interface Input {
  initiatorIdentitySeed: string
  responderIdentitySeed: string
  responderRandomSeed: string
  initiatorRandomSeed: string
  signedPreKeyId: number
  lastResortKemPreKeyId: number
  oneTimePreKeyId?: number
  oneTimeKemPreKeyId?: number
}
type Output = Record<string, string>

const FILE = new URL('../../vectors/pqxdh.json', import.meta.url)

function seedHex (label: string): string {
  return hex(new TextEncoder().encode(label.padEnd(32, '.')).subarray(0, 32))
}

const INPUTS: Array<{ comment: string, input: Input }> = [
  { comment: 'one-time X25519 and one-time ML-KEM prekeys (DH4 present)', input: { initiatorIdentitySeed: seedHex('alice'), responderIdentitySeed: seedHex('bob'), responderRandomSeed: seedHex('bob random 1'), initiatorRandomSeed: seedHex('alice random 1'), signedPreKeyId: 1, lastResortKemPreKeyId: 2, oneTimePreKeyId: 1000, oneTimeKemPreKeyId: 2000 } },
  { comment: 'no one-time prekeys: last-resort ML-KEM prekey, no DH4', input: { initiatorIdentitySeed: seedHex('alice'), responderIdentitySeed: seedHex('bob'), responderRandomSeed: seedHex('bob random 2'), initiatorRandomSeed: seedHex('alice random 2'), signedPreKeyId: 7, lastResortKemPreKeyId: 8 } },
  { comment: 'one-time X25519 prekey only (last-resort ML-KEM prekey)', input: { initiatorIdentitySeed: seedHex('carol'), responderIdentitySeed: seedHex('dave'), responderRandomSeed: seedHex('dave random'), initiatorRandomSeed: seedHex('carol random'), signedPreKeyId: 4294967295, lastResortKemPreKeyId: 0, oneTimePreKeyId: 42 } },
  { comment: 'one-time ML-KEM prekey only (no DH4)', input: { initiatorIdentitySeed: seedHex('erin'), responderIdentitySeed: seedHex('frank'), responderRandomSeed: seedHex('frank random'), initiatorRandomSeed: seedHex('erin random'), signedPreKeyId: 3, lastResortKemPreKeyId: 5, oneTimeKemPreKeyId: 6 } }
]

function compute (name: ProviderName, input: Input): Output {
  // Responder: prekeys drawn in this order from its random stream: signed prekey (32 bytes),
  // last-resort ML-KEM (64), one-time X25519 (32), one-time ML-KEM (64).
  const bobProvider = createProvider(name, { randomBytes: deterministicRandom(fromHex(input.responderRandomSeed)) })
  const bob = identityFromSeed(fromHex(input.responderIdentitySeed), bobProvider)
  const signedPreKey = generateSignedPreKey(bobProvider, bob, input.signedPreKeyId, { now: NOW })
  const lastResortKemPreKey = generateLastResortKemPreKey(bobProvider, bob, input.lastResortKemPreKeyId, { now: NOW })
  const oneTimePreKey = input.oneTimePreKeyId != null ? generateOneTimePreKeys(bobProvider, input.oneTimePreKeyId, 1, { now: NOW })[0] : undefined
  const oneTimeKemPreKey = input.oneTimeKemPreKeyId != null ? generateOneTimeKemPreKeys(bobProvider, bob, input.oneTimeKemPreKeyId, 1, { now: NOW })[0] : undefined
  const bundle = createBundle(bob, { signedPreKey, lastResortKemPreKey, oneTimePreKey, oneTimeKemPreKey })

  // Initiator: EK_A (32 bytes), then the ML-KEM encapsulation randomness (32).
  const aliceProvider = createProvider(name, { randomBytes: deterministicRandom(fromHex(input.initiatorRandomSeed)) })
  const alice = identityFromSeed(fromHex(input.initiatorIdentitySeed), aliceProvider)
  const sent = pqxdhInitiate(aliceProvider, alice, bundle)
  const got = pqxdhRespond(bobProvider, bob, {
    signedPreKey: signedPreKey.keyPair,
    kemPreKey: (oneTimeKemPreKey ?? lastResortKemPreKey).keyPair,
    oneTimePreKey: oneTimePreKey?.keyPair
  }, sent.header)
  expect(hex(got.keyMaterial)).toBe(hex(sent.keyMaterial))
  expect(hex(got.ad)).toBe(hex(sent.ad))

  const out: Output = {
    initiatorIdentityKey: hex(alice.publicKey),
    initiatorIdentityDhPublicKey: hex(alice.dhPublicKey),
    responderIdentityKey: hex(bob.publicKey),
    responderIdentityDhPublicKey: hex(bob.dhPublicKey),
    bundle: hex(encodeBundle(bundle)),
    baseKey: hex(sent.header.baseKey),
    dh1: hex(sent.dh1),
    dh2: hex(sent.dh2),
    dh3: hex(sent.dh3)
  }
  if (sent.dh4 != null) out.dh4 = hex(sent.dh4)
  Object.assign(out, {
    kemCiphertext: hex(sent.header.kemCiphertext),
    kemSharedSecret: hex(sent.kemSharedSecret),
    keyMaterial: hex(sent.keyMaterial),
    rootKey: hex(sent.rootKey),
    initiatorHeaderKey: hex(sent.initiatorHeaderKey),
    responderNextHeaderKey: hex(sent.responderNextHeaderKey),
    ad: hex(sent.ad)
  })
  return out
}

describe('PQXDH known-answer vectors (test/vectors/pqxdh.json)', () => {
  it('both providers reproduce every byte', () => {
    const reference = INPUTS.map(({ comment, input }) => ({ comment, input, output: compute('noble', input) }))
    if (WRITE_VECTORS) {
      const file: VectorFile<Input, Output> = {
        name: 'pqxdh',
        version: 1,
        description: 'PQXDH (X25519, SHA-256, ML-KEM-768): the responder generates its prekeys from deterministicRandom(responderRandomSeed) (signed prekey, last-resort ML-KEM, one-time X25519, one-time ML-KEM, in that order) and publishes `bundle` (protobuf PreKeyBundle); the initiator draws EK_A then the encapsulation randomness from deterministicRandom(initiatorRandomSeed). Outputs are the DH terms, the KEM ciphertext and secret, HKDF key material split into rootKey || initiatorHeaderKey || responderNextHeaderKey, and the associated data.',
        cases: reference
      }
      writeVectors(FILE, file)
    }
    const file = readVectors<Input, Output>(FILE)
    expect(file.name).toBe('pqxdh')
    expect(file.cases.length).toBe(INPUTS.length)
    for (const name of PROVIDER_NAMES) {
      for (const c of file.cases) expect(compute(name, c.input)).toEqual(c.output)
    }
    expect(file.cases.map((c) => c.input)).toEqual(INPUTS.map((c) => c.input))
  })
})
