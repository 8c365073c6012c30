import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey } from '@libp2p/interface'
import { createProvider, PROVIDER_NAMES } from '../../src/crypto/providers/index.js'
import {
  CONTACT_RECORD_KEY_PREFIX, ContactRecord, contactRecordKey, createContactRecordSelector,
  createContactRecordValidator, decodeContactRecord, ed25519PublicKeyFromPeerId,
  peerIdBytesFromContactRecordKey, selectContactRecord, signContactRecord, validateContactRecord,
  type UnsignedContactRecord
} from '../../src/net/contact-record.js'
import { nextSequence } from '../../src/net/contact-records.js'
import { InvalidContactRecordError, UnsupportedIdentityError } from '../../src/net/errors.js'
import { CONTACT_RECORD_LIMITS } from '../../src/net/limits.js'

function unsigned (sequence: bigint, extra: Partial<UnsignedContactRecord> = {}): UnsignedContactRecord {
  return {
    sequence,
    addresses: [multiaddr('/ip4/127.0.0.1/tcp/4001').bytes, multiaddr('/ip4/127.0.0.1/tcp/4002/ws').bytes],
    bundle: Uint8Array.from({ length: 1500 }, (_, i) => i & 0xff),
    mailboxes: [],
    createdAt: 1_700_000_000_000n,
    ...extra
  }
}

function rejection (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidContactRecordError)
    return (err as InvalidContactRecordError).reason
  }
  throw new Error('expected a rejection')
}

describe.each(PROVIDER_NAMES)('contact record with the %s provider', (providerName) => {
  const provider = createProvider(providerName)
  let alice: PrivateKey
  let mallory: PrivateKey
  let relay: PrivateKey

  beforeAll(async () => {
    alice = await generateKeyPair('Ed25519')
    mallory = await generateKeyPair('Ed25519')
    relay = await generateKeyPair('Ed25519')
  })

  it('keys are "/murmur/" followed by the peer-ID multihash', () => {
    const peerId = peerIdFromPrivateKey(alice)
    const key = contactRecordKey(peerId)
    expect(new TextDecoder().decode(key.subarray(0, 8))).toBe('/murmur/')
    expect(key.subarray(CONTACT_RECORD_KEY_PREFIX.length)).toEqual(peerId.toMultihash().bytes)
    expect(peerIdBytesFromContactRecordKey(key)).toEqual(peerId.toMultihash().bytes)
    expect(ed25519PublicKeyFromPeerId(peerId)).toEqual(alice.publicKey.raw)
    expect(rejection(() => peerIdBytesFromContactRecordKey(new TextEncoder().encode('/pk/abc')))).toBe('bad-key')
  })

  it('a signed record validates and round-trips its fields', () => {
    const mailbox = { relayPeerId: peerIdFromPrivateKey(relay).toMultihash().bytes, addresses: [multiaddr('/ip4/10.0.0.1/tcp/1').bytes] }
    const bytes = signContactRecord(unsigned(42n, { mailboxes: [mailbox] }), alice, provider)
    const peerId = peerIdFromPrivateKey(alice)
    const record = validateContactRecord(contactRecordKey(peerId), bytes, provider)
    expect(record.sequence).toBe(42n)
    expect(record.peerId).toEqual(peerId.toMultihash().bytes)
    expect(record.addresses.map(a => multiaddr(a).toString())).toEqual(['/ip4/127.0.0.1/tcp/4001', '/ip4/127.0.0.1/tcp/4002/ws'])
    expect(record.bundle.length).toBe(1500)
    expect(record.mailboxes[0].relayPeerId).toEqual(mailbox.relayPeerId)
    expect(record.createdAt).toBe(1_700_000_000_000n)
    expect(record.signature.length).toBe(64)
    // The kad-dht validator function accepts it too.
    expect(() => createContactRecordValidator(provider)(contactRecordKey(peerId), bytes)).not.toThrow()
  })

  it('rejects a bad signature, another signer, a wrong key and garbage', () => {
    const key = contactRecordKey(peerIdFromPrivateKey(alice))
    const good = signContactRecord(unsigned(1n), alice, provider)

    const flipped = ContactRecord.decode(good)
    flipped.signature[10] ^= 0x01
    expect(rejection(() => validateContactRecord(key, ContactRecord.encode(flipped), provider))).toBe('bad-signature')

    // Mallory signs a record that claims Alice's peer ID.
    const forged = ContactRecord.decode(signContactRecord(unsigned(2n), mallory, provider))
    forged.peerId = peerIdFromPrivateKey(alice).toMultihash().bytes as Uint8Array<ArrayBuffer>
    expect(rejection(() => validateContactRecord(key, ContactRecord.encode(forged), provider))).toBe('bad-signature')

    // Mallory's own valid record, put under Alice's key.
    const mallorys = signContactRecord(unsigned(3n), mallory, provider)
    expect(rejection(() => validateContactRecord(key, mallorys, provider))).toBe('peer-id-mismatch')

    // A changed field breaks the signature.
    const changed = ContactRecord.decode(good)
    changed.sequence = 999n
    expect(rejection(() => validateContactRecord(key, ContactRecord.encode(changed), provider))).toBe('bad-signature')

    expect(rejection(() => validateContactRecord(key, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), provider))).toBe('malformed')
    expect(rejection(() => validateContactRecord(key, new Uint8Array(0), provider))).toBe('bad-field')
    expect(() => createContactRecordValidator(provider)(key, Uint8Array.of(1, 2, 3))).toThrow(InvalidContactRecordError)
  })

  it('rejects oversized, non-canonical and out-of-bounds records', () => {
    const peerId = peerIdFromPrivateKey(alice)
    const key = contactRecordKey(peerId)
    const big = signContactRecord(unsigned(1n, { bundle: new Uint8Array(CONTACT_RECORD_LIMITS.maxRecordBytes - 200) }), alice, provider)
    expect(validateContactRecord(key, big, provider).sequence).toBe(1n)
    expect(rejection(() => validateContactRecord(key, new Uint8Array(CONTACT_RECORD_LIMITS.maxRecordBytes + 1), provider))).toBe('too-large')
    expect(() => signContactRecord(unsigned(1n, { bundle: new Uint8Array(CONTACT_RECORD_LIMITS.maxRecordBytes) }), alice, provider))
      .toThrow(InvalidContactRecordError)

    // An unknown field appended (tag 15, varint 1): decodes, but is not the canonical form.
    const good = signContactRecord(unsigned(1n), alice, provider)
    const extended = Uint8Array.from([...good, 0x78, 0x01])
    expect(rejection(() => validateContactRecord(key, extended, provider))).toBe('non-canonical')

    const tooMany = ContactRecord.encode({
      ...ContactRecord.decode(good),
      addresses: Array.from({ length: CONTACT_RECORD_LIMITS.maxAddresses + 1 }, () => multiaddr('/ip4/1.2.3.4/tcp/1').bytes)
    })
    expect(rejection(() => validateContactRecord(key, tooMany, provider))).toBe('malformed')

    const badAddress = ContactRecord.encode({ ...ContactRecord.decode(good), addresses: [Uint8Array.of(0xff, 0xff, 0x03)] })
    expect(rejection(() => validateContactRecord(key, badAddress, provider))).toBe('bad-field')

    const badMailbox = ContactRecord.encode({ ...ContactRecord.decode(good), mailboxes: [{ relayPeerId: Uint8Array.of(1, 2, 3), addresses: [] }] })
    expect(rejection(() => validateContactRecord(key, badMailbox, provider))).toBe('bad-field')
  })

  it('rejects non-Ed25519 identities', async () => {
    const secp = await generateKeyPair('secp256k1')
    const secpPeerId = peerIdFromPrivateKey(secp)
    expect(() => signContactRecord(unsigned(1n), secp, provider)).toThrow(UnsupportedIdentityError)
    const record = ContactRecord.encode({
      ...ContactRecord.decode(signContactRecord(unsigned(1n), alice, provider)),
      peerId: secpPeerId.toMultihash().bytes as Uint8Array<ArrayBuffer>
    })
    expect(rejection(() => validateContactRecord(contactRecordKey(secpPeerId), record, provider))).toBe('unsupported-key-type')
  })
})

describe('contact record selection and sequence', () => {
  it('the highest sequence wins, the first on a tie, garbage never', async () => {
    const key = await generateKeyPair('Ed25519')
    const provider = createProvider('noble')
    const r = (seq: bigint, bundle = 1): Uint8Array => signContactRecord(unsigned(seq, { bundle: Uint8Array.of(bundle) }), key, provider)
    expect(selectContactRecord([r(1n), r(5n), r(3n)])).toBe(1)
    expect(selectContactRecord([r(7n, 1), r(7n, 2)])).toBe(0)
    expect(selectContactRecord([Uint8Array.of(0xff, 0xff), r(0n)])).toBe(1)
    expect(await createContactRecordSelector()(contactRecordKey(peerIdFromPrivateKey(key)), [r(2n), r(9n)])).toBe(1)
    expect(decodeContactRecord(r(123n)).sequence).toBe(123n)
  })

  it('nextSequence follows the clock but never goes backwards', () => {
    expect(nextSequence(1000)).toBe(1000n)
    expect(nextSequence(1000, 500n)).toBe(1000n)
    expect(nextSequence(1000, 1000n)).toBe(1001n)
    expect(nextSequence(900, 5000n)).toBe(5001n)
  })
})
