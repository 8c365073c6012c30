/**
 * The contact record: a user's signed, self-certifying entry in the DHT (DESIGN.md "Contact
 * record in the DHT", docs/network.md "Contact record").
 *
 * - Key: UTF-8 "/murmur/" || the owner's peer-ID multihash bytes. kad-dht splits the key as
 *   text on "/" and looks up validators and selectors by the second part, "murmur".
 * - Value: a ContactRecord (src/wire/contact-record.proto) in canonical protobuf encoding.
 * - Signature: Ed25519 by the identity key over "murmur/v1/contact-record" || the record
 *   encoded with an empty signature field. The public key is taken from the key's peer ID
 *   (an identity multihash of the Ed25519 public key), never from the record itself.
 *
 * Pure functions, no I/O: publishing and resolving live in contact-records.ts.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { ContactRecord } from '../wire/contact-record.js'
import { CONTACT_RECORD_LIMITS, type ContactRecordLimits } from './limits.js'
import { InvalidContactRecordError, UnsupportedIdentityError } from './errors.js'
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, type CryptoProvider } from '../crypto/provider.js'

export { ContactRecord }

/** The DHT namespace: kad-dht picks validator and selector by this part of the key. */
export const CONTACT_RECORD_NAMESPACE = 'murmur'

/** UTF-8 "/murmur/", the first bytes of every contact record key. */
export const CONTACT_RECORD_KEY_PREFIX: Uint8Array = uint8ArrayFromString(`/${CONTACT_RECORD_NAMESPACE}/`)

/** UTF-8 "murmur/v1/contact-record": domain separation for the record signature. */
export const CONTACT_RECORD_SIGNATURE_LABEL: Uint8Array = uint8ArrayFromString('murmur/v1/contact-record')

/**
 * An Ed25519 peer ID is an identity multihash (code 0x00, length 0x24) of the protobuf
 * PublicKey { Type = Ed25519 (1), Data = 32 bytes }: 00 24 08 01 12 20 || key.
 */
const ED25519_PEER_ID_PREFIX = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20)
const ED25519_PEER_ID_LENGTH = ED25519_PEER_ID_PREFIX.length + ED25519_PUBLIC_KEY_LENGTH

/** The record's fields before signing; `peerId` comes from the signing key. */
export interface UnsignedContactRecord {
  sequence: bigint
  /** Multiaddr bytes (`multiaddr.bytes`). */
  addresses: Uint8Array[]
  /** An encoded prekey bundle without one-time keys; opaque here. */
  bundle: Uint8Array
  mailboxes: Array<{ relayPeerId: Uint8Array, addresses: Uint8Array[] }>
  /** Milliseconds since the Unix epoch. */
  createdAt: bigint
}

function peerIdBytes (peerId: PeerId | Uint8Array): Uint8Array {
  return peerId instanceof Uint8Array ? peerId : peerId.toMultihash().bytes
}

/** The 32-byte Ed25519 public key inside an Ed25519 peer ID; anything else is refused. */
export function ed25519PublicKeyFromPeerId (peerId: PeerId | Uint8Array): Uint8Array {
  const bytes = peerIdBytes(peerId)
  if (bytes.length !== ED25519_PEER_ID_LENGTH ||
      !uint8ArrayEquals(bytes.subarray(0, ED25519_PEER_ID_PREFIX.length), ED25519_PEER_ID_PREFIX)) {
    throw new UnsupportedIdentityError()
  }
  return bytes.slice(ED25519_PEER_ID_PREFIX.length)
}

/** The DHT key of a peer's contact record: UTF-8 "/murmur/" || peer-ID multihash bytes. */
export function contactRecordKey (peerId: PeerId | Uint8Array): Uint8Array {
  return uint8ArrayConcat([CONTACT_RECORD_KEY_PREFIX, peerIdBytes(peerId)])
}

/** The peer-ID multihash bytes named by a contact record key; throws `bad-key` otherwise. */
export function peerIdBytesFromContactRecordKey (key: Uint8Array): Uint8Array {
  const prefixLength = CONTACT_RECORD_KEY_PREFIX.length
  if (key.length <= prefixLength || !uint8ArrayEquals(key.subarray(0, prefixLength), CONTACT_RECORD_KEY_PREFIX)) {
    throw new InvalidContactRecordError('bad-key')
  }
  return key.subarray(prefixLength)
}

/** The bytes the signature covers: label || record encoded with an empty signature field. */
function signedBytes (record: ContactRecord): Uint8Array {
  return uint8ArrayConcat([
    CONTACT_RECORD_SIGNATURE_LABEL,
    ContactRecord.encode({ ...record, signature: new Uint8Array(0) })
  ])
}

/**
 * Sign a record with the identity key and return its canonical encoding, ready for the DHT.
 * The private key must be the libp2p Ed25519 identity key (its raw form is seed || public key).
 */
export function signContactRecord (unsigned: UnsignedContactRecord, privateKey: PrivateKey, provider: CryptoProvider): Uint8Array {
  if (privateKey.type !== 'Ed25519') throw new UnsupportedIdentityError()
  const record: ContactRecord = {
    peerId: peerIdFromPrivateKey(privateKey).toMultihash().bytes as Uint8Array<ArrayBuffer>,
    sequence: unsigned.sequence,
    addresses: unsigned.addresses.map(a => Uint8Array.from(a)),
    bundle: Uint8Array.from(unsigned.bundle),
    mailboxes: unsigned.mailboxes.map(m => ({
      relayPeerId: Uint8Array.from(m.relayPeerId),
      addresses: m.addresses.map(a => Uint8Array.from(a))
    })),
    createdAt: unsigned.createdAt,
    signature: new Uint8Array(0)
  }
  const seed = privateKey.raw.subarray(0, 32)
  record.signature = provider.ed25519Sign(seed, signedBytes(record)) as Uint8Array<ArrayBuffer>
  const encoded = ContactRecord.encode(record)
  // Refuse to produce what every validator would reject (e.g. too many addresses).
  decodeContactRecord(encoded)
  return encoded
}

function checkAddress (bytes: Uint8Array, limits: ContactRecordLimits): void {
  if (bytes.length === 0 || bytes.length > limits.maxAddressBytes) throw new InvalidContactRecordError('bad-field')
  try {
    multiaddr(bytes)
  } catch {
    throw new InvalidContactRecordError('bad-field')
  }
}

/**
 * Decode a record and check its structure, without checking the signature: size cap, protobuf
 * decoding with bounded repeated fields, canonical encoding (re-encoding gives the same bytes,
 * so one record has exactly one byte form), field lengths, and well-formed multiaddrs.
 */
export function decodeContactRecord (bytes: Uint8Array, limits: ContactRecordLimits = CONTACT_RECORD_LIMITS): ContactRecord {
  if (!(bytes instanceof Uint8Array) || bytes.length > limits.maxRecordBytes) {
    throw new InvalidContactRecordError('too-large')
  }
  let record: ContactRecord
  try {
    record = ContactRecord.decode(bytes, {
      limits: {
        addresses: limits.maxAddresses,
        mailboxes: limits.maxMailboxes,
        mailboxes$: { addresses: limits.maxMailboxAddresses }
      }
    })
  } catch {
    throw new InvalidContactRecordError('malformed')
  }
  if (!uint8ArrayEquals(ContactRecord.encode(record), bytes)) {
    throw new InvalidContactRecordError('non-canonical')
  }
  if (record.signature.length !== ED25519_SIGNATURE_LENGTH) throw new InvalidContactRecordError('bad-field')
  if (record.peerId.length === 0) throw new InvalidContactRecordError('bad-field')
  for (const address of record.addresses) checkAddress(address, limits)
  for (const mailbox of record.mailboxes) {
    try {
      ed25519PublicKeyFromPeerId(mailbox.relayPeerId)
    } catch {
      throw new InvalidContactRecordError('bad-field')
    }
    for (const address of mailbox.addresses) checkAddress(address, limits)
  }
  return record
}

/**
 * Decode and fully verify a record for `peerId`: structure (decodeContactRecord), the record's
 * peerId equals `peerId`, which must be Ed25519, and the signature verifies (strict RFC 8032)
 * under the public key inside that peer ID.
 */
export function verifyContactRecord (bytes: Uint8Array, peerId: PeerId | Uint8Array, provider: CryptoProvider,
  limits: ContactRecordLimits = CONTACT_RECORD_LIMITS): ContactRecord {
  const expected = peerIdBytes(peerId)
  const record = decodeContactRecord(bytes, limits)
  if (!uint8ArrayEquals(record.peerId, expected)) throw new InvalidContactRecordError('peer-id-mismatch')
  let publicKey: Uint8Array
  try {
    publicKey = ed25519PublicKeyFromPeerId(expected)
  } catch {
    throw new InvalidContactRecordError('unsupported-key-type')
  }
  if (!provider.ed25519Verify(record.signature, signedBytes(record), publicKey)) {
    throw new InvalidContactRecordError('bad-signature')
  }
  return record
}

/** Validate a DHT (key, value) pair as kad-dht does before storing or returning a record. */
export function validateContactRecord (key: Uint8Array, value: Uint8Array, provider: CryptoProvider): ContactRecord {
  return verifyContactRecord(value, peerIdBytesFromContactRecordKey(key), provider)
}

/** The kad-dht validator for the "murmur" namespace; throws InvalidContactRecordError. */
export function createContactRecordValidator (provider: CryptoProvider): ValidateFn {
  return (key, value) => {
    validateContactRecord(key, value, provider)
  }
}

/**
 * The index of the best record: the highest sequence wins; on a tie the first. Records that do
 * not decode rank below all others (kad-dht validates before selecting; this is a backstop).
 */
export function selectContactRecord (records: Uint8Array[]): number {
  let best = 0
  let bestSequence = -1n
  records.forEach((bytes, index) => {
    let sequence: bigint
    try {
      sequence = decodeContactRecord(bytes).sequence
    } catch {
      return
    }
    if (sequence > bestSequence) {
      best = index
      bestSequence = sequence
    }
  })
  return best
}

/** The kad-dht selector for the "murmur" namespace. */
export function createContactRecordSelector (): SelectFn {
  return (_key, records) => selectContactRecord(records)
}
