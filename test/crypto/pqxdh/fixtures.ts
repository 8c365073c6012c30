/**
 * Shared test fixtures: identities and prekeys for PQXDH and session tests.
 */
import { identityFromSeed, type Identity } from '../../../src/crypto/identity.js'
import {
  createBundle, generateLastResortKemPreKey, generateOneTimeKemPreKeys, generateOneTimePreKeys, generateSignedPreKey,
  type KemPreKeyKind, type KemPreKeyRecord, type OneTimePreKeyRecord, type PreKeyBundle, type ResponderContext, type SignedPreKeyRecord
} from '../../../src/crypto/pqxdh/index.js'
import type { CryptoProvider } from '../../../src/crypto/provider.js'
import { toHex } from '../../../src/crypto/bytes.js'

export const NOW = 1_700_000_000_000

export function seed (byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte)
}

export function hex (bytes: Uint8Array): string {
  return toHex(bytes)
}

/** An identity plus the prekey store a responder needs, with the consume operations. */
export interface PreKeyOwner {
  identity: Identity
  signedPreKeys: Map<number, SignedPreKeyRecord>
  kemPreKeys: Map<number, KemPreKeyRecord>
  oneTimePreKeys: Map<number, OneTimePreKeyRecord>
  usedLastResortBaseKeys: Set<string>
  context: ResponderContext
  /** A bundle; with one-time keys when some are left and `oneTime` is not false. */
  bundle: (options?: { oneTime?: boolean, oneTimeKem?: boolean }) => PreKeyBundle
  consume: (consumed: { oneTimePreKeyId?: number, oneTimeKemPreKeyId?: number, lastResortBaseKey?: { kemPreKeyId: number, baseKey: Uint8Array } }) => void
}

export function makeOwner (provider: CryptoProvider, identitySeed: Uint8Array, options: { oneTime?: number, oneTimeKem?: number } = {}): PreKeyOwner {
  const identity = identityFromSeed(identitySeed, provider)
  const signed = generateSignedPreKey(provider, identity, 1, { now: NOW })
  const lastResort = generateLastResortKemPreKey(provider, identity, 2, { now: NOW })
  const signedPreKeys = new Map([[signed.id, signed]])
  const kemPreKeys = new Map<number, KemPreKeyRecord>([[lastResort.id, lastResort]])
  for (const k of generateOneTimeKemPreKeys(provider, identity, 100, options.oneTimeKem ?? 0, { now: NOW })) kemPreKeys.set(k.id, k)
  const oneTimePreKeys = new Map<number, OneTimePreKeyRecord>()
  for (const k of generateOneTimePreKeys(provider, 200, options.oneTime ?? 0, { now: NOW })) oneTimePreKeys.set(k.id, k)
  const usedLastResortBaseKeys = new Set<string>()
  const findKem = (id: number, kind: KemPreKeyKind): KemPreKeyRecord | undefined => {
    const k = kemPreKeys.get(id)
    return k?.kind === kind ? k : undefined
  }
  const owner: PreKeyOwner = {
    identity,
    signedPreKeys,
    kemPreKeys,
    oneTimePreKeys,
    usedLastResortBaseKeys,
    context: {
      identity,
      findSignedPreKey: (id) => signedPreKeys.get(id),
      findKemPreKey: findKem,
      findOneTimePreKey: (id) => oneTimePreKeys.get(id),
      isLastResortBaseKeyUsed: (id, baseKey) => usedLastResortBaseKeys.has(`${id}:${hex(baseKey)}`)
    },
    bundle: (opts = {}) => {
      const otpk = opts.oneTime === false ? undefined : [...oneTimePreKeys.values()][0]
      const otkem = opts.oneTimeKem === false ? undefined : [...kemPreKeys.values()].find((k) => k.kind === 'one-time')
      return createBundle(identity, { signedPreKey: signed, lastResortKemPreKey: lastResort, oneTimePreKey: otpk, oneTimeKemPreKey: otkem })
    },
    consume: (consumed) => {
      if (consumed.oneTimePreKeyId != null) oneTimePreKeys.delete(consumed.oneTimePreKeyId)
      if (consumed.oneTimeKemPreKeyId != null) kemPreKeys.delete(consumed.oneTimeKemPreKeyId)
      if (consumed.lastResortBaseKey != null) usedLastResortBaseKeys.add(`${consumed.lastResortBaseKey.kemPreKeyId}:${hex(consumed.lastResortBaseKey.baseKey)}`)
    }
  }
  return owner
}

/** Small-order X25519 encodings (RFC 7748 §6.1): 0, 1, and a point of order 8. */
export const LOW_ORDER_POINTS: Uint8Array[] = [
  new Uint8Array(32),
  Uint8Array.of(1, ...new Uint8Array(31)),
  Uint8Array.from(Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'))
]
