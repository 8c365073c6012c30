/**
 * The parties of the crypto benchmark, built on murmur's session layer (the API the messenger
 * uses, docs/protocol.md part 4): identities, a responder with its prekeys held in memory as
 * a store would hold them, and established session pairs.
 */
import { generateIdentity, type Identity } from '../../src/crypto/identity.js'
import {
  createBundle, generateLastResortKemPreKey, generateOneTimeKemPreKeys, generateOneTimePreKeys, generateSignedPreKey,
  type KemPreKeyRecord, type OneTimePreKeyRecord, type PreKeyBundle, type ResponderContext
} from '../../src/crypto/pqxdh/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import {
  initiateSession, sessionDecrypt, sessionEncrypt, type SessionRecord
} from '../../src/crypto/session/index.js'
import { BenchmarkCheckError } from '../harness.js'

/** Plaintext size of every benchmark message. */
export const MESSAGE_SIZE = 100

export function benchmarkPlaintext (size: number = MESSAGE_SIZE): Uint8Array {
  const plaintext = new Uint8Array(size)
  for (let i = 0; i < size; i++) plaintext[i] = (i * 7 + 3) & 0xff
  return plaintext
}

/** A cheap but real check, so that a broken path cannot look fast. */
export function assertSamePlaintext (actual: Uint8Array, expected: Uint8Array): void {
  if (actual.length !== expected.length || actual[0] !== expected[0] || actual[actual.length - 1] !== expected[expected.length - 1]) {
    throw new BenchmarkCheckError('round trip returned different plaintext')
  }
}

/** A responder: identity, a signed prekey, a last-resort KEM prekey and one-time prekeys. */
export interface Responder {
  identity: Identity
  context: ResponderContext
  /** `count` fresh bundles, each with its own one-time X25519 and one-time ML-KEM prekey. */
  bundles: (count: number) => PreKeyBundle[]
  /** Delete the one-time prekeys a first message consumed, as the store would. */
  consume: (consumed: { oneTimePreKeyId?: number, oneTimeKemPreKeyId?: number }) => void
}

export function createResponder (provider: CryptoProvider): Responder {
  const identity = generateIdentity(provider)
  const signedPreKey = generateSignedPreKey(provider, identity, 1)
  const lastResortKemPreKey = generateLastResortKemPreKey(provider, identity, 1)
  const oneTimePreKeys = new Map<number, OneTimePreKeyRecord>()
  const oneTimeKemPreKeys = new Map<number, KemPreKeyRecord>()
  let nextId = 1
  return {
    identity,
    context: {
      identity,
      findSignedPreKey: (id) => (id === signedPreKey.id ? signedPreKey : undefined),
      findKemPreKey: (id, kind) => kind === 'last-resort'
        ? (id === lastResortKemPreKey.id ? lastResortKemPreKey : undefined)
        : oneTimeKemPreKeys.get(id),
      findOneTimePreKey: (id) => oneTimePreKeys.get(id),
      isLastResortBaseKeyUsed: () => false
    },
    bundles (count) {
      const firstId = nextId
      nextId += count
      const otpks = generateOneTimePreKeys(provider, firstId, count)
      const kemOtpks = generateOneTimeKemPreKeys(provider, identity, firstId, count)
      return otpks.map((oneTimePreKey, i) => {
        oneTimePreKeys.set(oneTimePreKey.id, oneTimePreKey)
        oneTimeKemPreKeys.set(kemOtpks[i].id, kemOtpks[i])
        return createBundle(identity, { signedPreKey, lastResortKemPreKey, oneTimePreKey, oneTimeKemPreKey: kemOtpks[i] })
      })
    },
    consume ({ oneTimePreKeyId, oneTimeKemPreKeyId }) {
      if (oneTimePreKeyId !== undefined) oneTimePreKeys.delete(oneTimePreKeyId)
      if (oneTimeKemPreKeyId !== undefined) oneTimeKemPreKeys.delete(oneTimeKemPreKeyId)
    }
  }
}

/** One side of a session: its record, replaced after every operation as the caller must. */
export interface Party {
  record: SessionRecord | undefined
  context: ResponderContext
}

/** One message: sessionEncrypt as `from`, sessionDecrypt as `to`, keep both new records. */
export function sendOne (provider: CryptoProvider, from: Party, to: Party, plaintext: Uint8Array): void {
  const sent = sessionEncrypt(provider, from.record, plaintext)
  from.record = sent.record
  const received = sessionDecrypt(provider, to.record, sent.message, to.context)
  to.record = received.record
  assertSamePlaintext(received.plaintext, plaintext)
}

/**
 * Alice and Bob with a session established through PQXDH and one message each way, so that
 * Alice no longer repeats the PreKeyMessage header and both have sending and receiving chains.
 */
export function sessionPair (provider: CryptoProvider): { alice: Party, bob: Party } {
  const bobResponder = createResponder(provider)
  const aliceResponder = createResponder(provider)
  const [bundle] = bobResponder.bundles(1)
  const alice: Party = { record: initiateSession(provider, undefined, aliceResponder.identity, bundle), context: aliceResponder.context }
  const bob: Party = { record: undefined, context: bobResponder.context }
  const hello = benchmarkPlaintext()
  sendOne(provider, alice, bob, hello)
  sendOne(provider, bob, alice, hello)
  return { alice, bob }
}
