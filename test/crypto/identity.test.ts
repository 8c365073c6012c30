import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { concat, fromHex, toHex } from '../../src/crypto/bytes.js'
import { deterministicRandom } from '../../src/crypto/deterministic-random.js'
import { InvalidKeyError } from '../../src/crypto/errors.js'
import {
  generateIdentity, identityDhPublicKey, identityFromSeed, identityKeyFromPeerId, identityKeyFromPeerIdBytes,
  InvalidPeerIdError, peerIdBytesFromIdentityKey, peerIdBytesFromPeerId, peerIdFromIdentityKey, toLibp2pPrivateKey
} from '../../src/crypto/identity.js'
import { createProvider, PROVIDER_NAMES } from '../../src/crypto/providers/index.js'

describe.each(PROVIDER_NAMES)('%s provider: identity', (name) => {
  const provider = createProvider(name)

  it('derives the X25519 key pair consistently: x25519PublicKey(dhPrivateKey) = dhPublicKey', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
      const identity = identityFromSeed(seed, provider)
      expect(identity.publicKey).toEqual(provider.ed25519PublicKey(seed))
      expect(provider.x25519PublicKey(identity.dhPrivateKey)).toEqual(identity.dhPublicKey)
      expect(identityDhPublicKey(identity.publicKey)).toEqual(identity.dhPublicKey)
    }), { numRuns: 15 })
  })

  it('two identities agree on a shared secret through their derived X25519 keys', () => {
    const alice = generateIdentity(provider)
    const bob = generateIdentity(provider)
    expect(provider.x25519(alice.dhPrivateKey, bob.dhPublicKey)).toEqual(provider.x25519(bob.dhPrivateKey, alice.dhPublicKey))
  })

  it('the libp2p node key has the peer ID computed from the identity key', () => {
    for (let i = 0; i < 5; i++) {
      const identity = generateIdentity(provider)
      const libp2pKey = toLibp2pPrivateKey(identity)
      expect(libp2pKey.type).toBe('Ed25519')
      expect(libp2pKey.publicKey.raw).toEqual(identity.publicKey)
      const peerId = peerIdFromPrivateKey(libp2pKey)
      expect(peerId.toString()).toBe(peerIdFromIdentityKey(identity.publicKey))
      expect(peerId.toString()).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/)
      expect(peerId.toMultihash().bytes).toEqual(peerIdBytesFromIdentityKey(identity.publicKey))
    }
  })

  it('generateIdentity draws its seed from the provider\'s random source', () => {
    const seed = new TextEncoder().encode('identity seed')
    const p = createProvider(name, { randomBytes: deterministicRandom(seed) })
    const identity = generateIdentity(p)
    expect(identity.seed).toEqual(deterministicRandom(seed)(32))
    expect(identity).toEqual(identityFromSeed(deterministicRandom(seed)(32), createProvider(name === 'node' ? 'noble' : 'node')))
  })
})

describe('identity known answers', () => {
  it('RFC 8032 TEST 1 seed: public key, clamped X25519 secret, peer ID bytes', () => {
    const identity = identityFromSeed(fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
    expect(toHex(identity.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    // dhPrivateKey is SHA-512(seed)[0..32], clamped (RFC 8032 section 5.1.5 step 2).
    const h = createProvider('noble').sha512(identity.seed).slice(0, 32)
    h[0] &= 248; h[31] &= 127; h[31] |= 64
    expect(identity.dhPrivateKey).toEqual(h)
    expect(identity.dhPrivateKey.buffer.byteLength).toBe(32)
    expect(toHex(peerIdBytesFromIdentityKey(identity.publicKey))).toBe('002408011220' + toHex(identity.publicKey))
  })
})

describe('peer IDs', () => {
  const identity = generateIdentity()

  it('round-trip: key -> string -> key and key -> bytes -> key, and libp2p parses our string', () => {
    const peerId = peerIdFromIdentityKey(identity.publicKey)
    expect(identityKeyFromPeerId(peerId)).toEqual(identity.publicKey)
    expect(identityKeyFromPeerIdBytes(peerIdBytesFromIdentityKey(identity.publicKey))).toEqual(identity.publicKey)
    expect(peerIdBytesFromPeerId(peerId)).toEqual(peerIdBytesFromIdentityKey(identity.publicKey))
    const parsed = peerIdFromString(peerId)
    expect(parsed.type).toBe('Ed25519')
    expect(parsed.publicKey?.raw).toEqual(identity.publicKey)
  })

  it('refuses malformed peer ID strings with InvalidPeerIdError', async () => {
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
    const ed25519Cid = peerIdFromPrivateKey(toLibp2pPrivateKey(identity)).toCID().toString()
    const good = peerIdFromIdentityKey(identity.publicKey)
    const bad = [
      '', 'abc', secp,
      // An RSA peer ID (a SHA-256 multihash of the key, base58btc).
      'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N',
      // CIDs: the same Ed25519 key as a libp2p-key CID, and a dag-pb content CID.
      ed25519Cid, 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
      // Multibase-prefixed, truncated, extended, characters outside base58 (0, O, I, l).
      'z' + good, good.slice(0, -1), good + '1', good.slice(0, -1) + '0', good.slice(0, -1) + 'l',
      // Identity multihash of a small-order Ed25519 point.
      uint8ArrayToString(concat(fromHex('002408011220'), fromHex(ED25519_TORSION_SUBGROUP[0])), 'base58btc'),
      'x'.repeat(10_000)
    ]
    expect(secp).toMatch(/^16Uiu2/)
    expect(ed25519Cid).toMatch(/^bafz/)
    for (const peerId of bad) {
      expect(() => identityKeyFromPeerId(peerId), peerId.slice(0, 60)).toThrow(InvalidPeerIdError)
      expect(() => peerIdBytesFromPeerId(peerId), peerId.slice(0, 60)).toThrow(InvalidPeerIdError)
    }
    expect(() => identityKeyFromPeerId(42 as unknown as string)).toThrow(InvalidPeerIdError)
  })

  it('refuses malformed peer ID bytes with InvalidPeerIdError', () => {
    const good = peerIdBytesFromIdentityKey(identity.publicKey)
    const wrongPrefix = good.slice(); wrongPrefix[3] = 0x02 // KeyType Secp256k1
    const bad = [new Uint8Array(0), good.subarray(1), concat(good, Uint8Array.of(0)), wrongPrefix,
      concat(fromHex('002408011220'), fromHex(ED25519_TORSION_SUBGROUP[2]))]
    for (const bytes of bad) expect(() => identityKeyFromPeerIdBytes(bytes)).toThrow(InvalidPeerIdError)
    try {
      identityKeyFromPeerIdBytes(wrongPrefix)
      expect.unreachable()
    } catch (err) {
      expect((err as Error).name).toBe('InvalidPeerIdError')
    }
  })

  it('refuses invalid identity keys with InvalidKeyError: wrong length, not a point, small order, non-canonical', () => {
    const notAPoint = new Uint8Array(32); notAPoint[0] = 2 // y = 2 is not on the curve
    const nonCanonical = fromHex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f') // y = p + 1
    const bad = [new Uint8Array(31), notAPoint, nonCanonical, ...ED25519_TORSION_SUBGROUP.map(fromHex)]
    for (const key of bad) {
      expect(() => identityDhPublicKey(key)).toThrow(InvalidKeyError)
      expect(() => peerIdFromIdentityKey(key)).toThrow(InvalidKeyError)
    }
    expect(() => identityFromSeed(new Uint8Array(16))).toThrow(InvalidKeyError)
  })
})
