/**
 * Identity keys and addresses (DESIGN.md "Identity and addressing";
 * docs/protocol.md part 1 "Identity").
 *
 * The identity key is an Ed25519 key pair. It is also the libp2p node key, so the peer ID
 * `12D3KooW...` is the user's address and carries the public key itself: the peer ID is the
 * identity multihash of the libp2p protobuf PublicKey { Type: Ed25519, Data: key }, i.e. the
 * 38 bytes 00 24 08 01 12 20 || key, written in base58btc without a multibase prefix.
 *
 * The X25519 key used in key agreement (PQXDH's IK) is derived from it with the birational
 * Edwards -> Montgomery map, as XEdDSA / libsodium's crypto_sign_ed25519_*_to_curve25519 do.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { ed25519 } from '@noble/curves/ed25519.js'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { concat, equal } from './bytes.js'
import { InvalidKeyError } from './errors.js'
import { isLowOrderX25519 } from './low-order.js'
import { isValidEd25519PublicKey } from './providers/ed25519-strict.js'
import { boundedCache, publicBytesKey } from './providers/caches.js'
import { defaultProvider } from './providers/index.js'
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH, type CryptoProvider } from './provider.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

export interface Identity {
  /** The 32-byte Ed25519 seed (RFC 8032 private key). Secret. */
  seed: Uint8Array
  /** The 32-byte Ed25519 public key: the identity key. */
  publicKey: Uint8Array
  /** The X25519 private key derived from the seed (clamped SHA-512(seed)[0..32]). Secret. */
  dhPrivateKey: Uint8Array
  /** The X25519 public key derived from `publicKey`; equals X25519(dhPrivateKey, 9). */
  dhPublicKey: Uint8Array
}

/** A string or byte string is not the peer ID of a valid Ed25519 identity key. */
export class InvalidPeerIdError extends MurmurError {
  constructor (message = 'Invalid peer ID') {
    super(message)
  }
}

/**
 * The multihash prefix of an Ed25519 peer ID: identity hash (0x00), digest length 36 (0x24),
 * then the protobuf PublicKey header: field 1 varint Type = 1 (Ed25519) -> 08 01, field 2
 * bytes Data of length 32 -> 12 20.
 */
const PEER_ID_PREFIX = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20)
export const PEER_ID_BYTES_LENGTH = PEER_ID_PREFIX.length + ED25519_PUBLIC_KEY_LENGTH

/** Longest base58btc string that can encode 38 bytes is 52 characters; anything far longer is refused unread. */
const MAX_PEER_ID_STRING_LENGTH = 64

function assertIdentityKey (identityKey: Uint8Array): void {
  if (!(identityKey instanceof Uint8Array) || identityKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new InvalidKeyError('Identity key must be 32 bytes')
  }
  if (!isValidEd25519PublicKey(identityKey)) {
    throw new InvalidKeyError('Identity key is not a canonical Ed25519 point of large order')
  }
}

/** A fresh identity from 32 bytes of the provider's random source. */
export function generateIdentity (provider: CryptoProvider = defaultProvider()): Identity {
  return identityFromSeed(provider.randomBytes(ED25519_SEED_LENGTH), provider)
}

/** The identity of a 32-byte Ed25519 seed. */
export function identityFromSeed (seed: Uint8Array, provider: CryptoProvider = defaultProvider()): Identity {
  if (!(seed instanceof Uint8Array) || seed.length !== ED25519_SEED_LENGTH) {
    throw new InvalidKeyError('Identity seed must be 32 bytes')
  }
  const publicKey = provider.ed25519PublicKey(seed)
  // toMontgomerySecret returns a view into SHA-512(seed); copy so that the other half (the
  // Ed25519 nonce prefix, RFC 8032 section 5.1.6) is not reachable through `.buffer`.
  const dhPrivateKey = ed25519.utils.toMontgomerySecret(seed).slice()
  return { seed: seed.slice(), publicKey, dhPrivateKey, dhPublicKey: identityDhPublicKey(publicKey) }
}

/** Identity keys whose X25519 form is remembered (contacts seen recently). */
const DH_PUBLIC_KEY_CACHE_SIZE = 256
// The map is pure JS field arithmetic (an inversion mod p, ~0.1 ms) and runs for the peer's
// identity key in every session establishment (PQXDH DH1/DH2, both roles), while the keys
// are those of a few contacts. Only valid keys are cached; invalid ones throw every time.
const dhPublicKeyCache = boundedCache<Uint8Array>(DH_PUBLIC_KEY_CACHE_SIZE)

/**
 * The X25519 public key of an Ed25519 identity key: u = (1 + y) / (1 - y) mod p, little-endian
 * (RFC 7748 section 4.1). Throws InvalidKeyError when the key is not a canonical point or is of
 * small order. Returns a fresh array on every call.
 */
export function identityDhPublicKey (identityKey: Uint8Array): Uint8Array {
  if (identityKey instanceof Uint8Array && identityKey.length === ED25519_PUBLIC_KEY_LENGTH) {
    const cached = dhPublicKeyCache.get(publicBytesKey(identityKey))
    if (cached !== undefined) return cached.slice()
  }
  assertIdentityKey(identityKey)
  let u: Uint8Array
  try {
    u = ed25519.utils.toMontgomery(identityKey)
  } catch {
    throw new InvalidKeyError('Identity key is not an Ed25519 point')
  }
  // Unreachable for a large-order point; kept as a second line (RFC 7748 section 6.1).
  if (isLowOrderX25519(u)) throw new InvalidKeyError('Identity key maps to a low-order X25519 point')
  dhPublicKeyCache.set(publicBytesKey(identityKey), u.slice())
  return u
}

/** The peer ID's binary form: the 38-byte multihash 00 24 08 01 12 20 || identityKey. */
export function peerIdBytesFromIdentityKey (identityKey: Uint8Array): Uint8Array {
  assertIdentityKey(identityKey)
  return concat(PEER_ID_PREFIX, identityKey)
}

/** The identity key inside a binary peer ID; InvalidPeerIdError on anything else. */
export function identityKeyFromPeerIdBytes (bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PEER_ID_BYTES_LENGTH) {
    throw new InvalidPeerIdError('Peer ID must be a 38-byte Ed25519 identity multihash')
  }
  if (!equal(bytes.subarray(0, PEER_ID_PREFIX.length), PEER_ID_PREFIX)) {
    throw new InvalidPeerIdError('Peer ID is not an Ed25519 identity multihash')
  }
  const identityKey = bytes.slice(PEER_ID_PREFIX.length)
  if (!isValidEd25519PublicKey(identityKey)) {
    throw new InvalidPeerIdError('Peer ID holds an invalid Ed25519 key')
  }
  return identityKey
}

/** The peer ID string (base58btc, no multibase prefix): `12D3KooW...`. */
export function peerIdFromIdentityKey (identityKey: Uint8Array): string {
  return uint8ArrayToString(peerIdBytesFromIdentityKey(identityKey), 'base58btc')
}

/**
 * The identity key named by a peer ID string. Only the canonical base58btc form of an Ed25519
 * peer ID is accepted: not RSA or secp256k1 peer IDs, not CIDs, not multibase-prefixed text.
 */
export function identityKeyFromPeerId (peerId: string): Uint8Array {
  // Peer IDs recur on every message to a contact; the base58 decode and the point check are
  // done once per peer ID (a bounded cache of valid ones; a copy is returned each time).
  const known = validPeerIds.get(peerId)
  if (known !== undefined) return known.slice()
  const key = decodeIdentityKeyFromPeerId(peerId)
  validPeerIds.set(peerId, key.slice())
  return key
}

/**
 * The binary peer ID (identity multihash) of a peer ID string: its key decoded and checked once
 * per peer ID (identityKeyFromPeerId's cache), not once per envelope built for it.
 */
export function peerIdBytesFromPeerId (peerId: string): Uint8Array {
  return concat(PEER_ID_PREFIX, identityKeyFromPeerId(peerId))
}

const PEER_ID_CACHE_SIZE = 1024
const validPeerIds = boundedCache<Uint8Array>(PEER_ID_CACHE_SIZE)

function decodeIdentityKeyFromPeerId (peerId: string): Uint8Array {
  if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_STRING_LENGTH) {
    throw new InvalidPeerIdError()
  }
  let bytes: Uint8Array
  try {
    bytes = uint8ArrayFromString(peerId, 'base58btc')
  } catch {
    throw new InvalidPeerIdError('Peer ID is not base58btc')
  }
  const identityKey = identityKeyFromPeerIdBytes(bytes)
  // base58 is a bijection on byte strings, but refuse anything that does not re-encode to
  // the same text so that one identity has exactly one address string.
  if (uint8ArrayToString(bytes, 'base58btc') !== peerId) throw new InvalidPeerIdError('Peer ID is not canonical')
  return identityKey
}

/** The libp2p node key of an identity (so that the node's peer ID is the identity's address). */
export function toLibp2pPrivateKey (identity: Identity): Ed25519PrivateKey {
  const key = privateKeyFromRaw(concat(identity.seed, identity.publicKey))
  if (key.type !== 'Ed25519') throw new InvalidKeyError('Not an Ed25519 identity')
  return key
}
