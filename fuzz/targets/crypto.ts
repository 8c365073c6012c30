/**
 * Fuzz targets for what a peer's keys and messages go through: PreKey and ratchet messages
 * through session decrypt with a real session, prekey bundles, and signed contact records
 * through the DHT validator. Every rejection must leave the session record and the prekeys as
 * they were.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { toLibp2pPrivateKey } from '../../src/crypto/identity.js'
import { decodeBundle, encodeBundle, verifyBundle } from '../../src/crypto/pqxdh/index.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import {
  initiateSession, serializeSessionRecord, sessionDecrypt, sessionEncrypt, type SessionMessage, type SessionRecord
} from '../../src/crypto/session/index.js'
import { contactRecordKey, signContactRecord, validateContactRecord } from '../../src/net/contact-record.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { makeOwner, NOW, seed, type PreKeyOwner } from '../../test/crypto/pqxdh/fixtures.js'
import type { FuzzTarget } from '../engine.js'
import { bytesInputs } from '../protobuf.js'

/** Errors the crypto layer refuses with (src/crypto/*\/errors.ts). */
const CRYPTO_ERRORS = new Set([
  'InvalidPreKeyIdError', 'SendingChainUnavailableError', 'RemoteIdentityMismatchError', 'LegacySessionRecordError', 'DecryptionError', 'LowOrderPointError',
  'InvalidKeyError', 'InvalidSignatureError', 'InvalidBundleError', 'InvalidMessageError', 'DuplicateMessageError',
  'MessageKeyUnavailableError', 'TooManySkippedMessagesError', 'HeaderDecryptionError', 'InvalidStateError',
  'PreKeyNotFoundError', 'BaseKeyReusedError', 'WrongRecipientError', 'NoSessionError'
])

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

/** The prekey store's contents, to prove a rejection consumed nothing. */
function prekeyState (owner: PreKeyOwner): string {
  return JSON.stringify([[...owner.oneTimePreKeys.keys()], [...owner.kemPreKeys.keys()], [...owner.usedLastResortBaseKeys]])
}

function hexOf (record: SessionRecord | undefined): string {
  return record === undefined ? '' : Buffer.from(serializeSessionRecord(record)).toString('hex')
}

/**
 * Alice and Bob with a session both ways: alice's first messages to bob (PreKey), and later
 * ratchet messages after bob answered. Bob's record is what the fuzzer decrypts against.
 */
function parties (): { bob: PreKeyOwner, bobRecord: SessionRecord, prekeyMessages: SessionMessage[], ratchetMessages: SessionMessage[] } {
  const provider = defaultProvider()
  const alice = makeOwner(provider, seed(11))
  const bob = makeOwner(provider, seed(12), { oneTime: 4, oneTimeKem: 4 })
  let aliceRecord: SessionRecord | undefined = initiateSession(provider, undefined, alice.identity, bob.bundle(), { now: NOW })
  const prekeyMessages: SessionMessage[] = []
  for (const t of ['hi bob', 'second before any answer']) {
    const sent = sessionEncrypt(provider, aliceRecord, text(t), { now: NOW })
    aliceRecord = sent.record
    prekeyMessages.push(sent.message)
  }
  let bobRecord: SessionRecord | undefined
  for (const m of prekeyMessages) {
    const got = sessionDecrypt(provider, bobRecord, m, bob.context, { now: NOW })
    bobRecord = got.record
  }
  const reply = sessionEncrypt(provider, bobRecord, text('hi alice'), { now: NOW })
  bobRecord = reply.record
  aliceRecord = sessionDecrypt(provider, aliceRecord, reply.message, alice.context, { now: NOW }).record
  const ratchetMessages: SessionMessage[] = []
  for (const t of ['one', 'two', 'a longer message to fill a padding bucket or two'.repeat(8)]) {
    const sent = sessionEncrypt(provider, aliceRecord, text(t), { now: NOW })
    aliceRecord = sent.record
    ratchetMessages.push(sent.message)
  }
  return { bob, bobRecord: bobRecord as SessionRecord, prekeyMessages, ratchetMessages }
}

/**
 * A session target. `afterDecrypt` runs after each decrypt with bob's record and prekeys (a
 * test passes one that changes them, to prove that the check below catches it).
 */
export function makeSessionTarget (name: string, kind: 'prekey' | 'ratchet', afterDecrypt?: (record: SessionRecord, bob: PreKeyOwner) => void): FuzzTarget<Uint8Array> {
  return {
    name,
    description: `${kind === 'prekey' ? 'PreKey' : 'ratchet'} messages through sessionDecrypt against a real session (src/crypto/session/decrypt.ts)`,
    async: false,
    setup: async () => {
      const provider = defaultProvider()
      const { bob, bobRecord, prekeyMessages, ratchetMessages } = parties()
      const seeds = (kind === 'prekey' ? prekeyMessages : ratchetMessages).map(m => m.bytes)
      // PreKey messages are also tried against no session at all (a first contact).
      let withRecord = false
      const recordBefore = hexOf(bobRecord)
      const prekeysBefore = prekeyState(bob)
      return {
        inputs: bytesInputs(seeds),
        typedErrors: CRYPTO_ERRORS,
        run: (bytes) => {
          withRecord = kind === 'ratchet' || !withRecord
          try {
            sessionDecrypt(provider, withRecord ? bobRecord : undefined, { kind, bytes }, bob.context, { now: NOW })
          } finally {
            afterDecrypt?.(bobRecord, bob)
          }
        },
        changed: () => {
          // sessionDecrypt works on a copy: the record and the prekeys must never move.
          if (withRecord && hexOf(bobRecord) !== recordBefore) return 'the session record changed'
          if (prekeyState(bob) !== prekeysBefore) return 'the prekeys changed'
          return undefined
        }
      }
    }
  }
}

export const prekeyMessageTarget = makeSessionTarget('prekey-message', 'prekey')
export const ratchetMessageTarget = makeSessionTarget('ratchet-message', 'ratchet')

export const bundleTarget: FuzzTarget<Uint8Array> = {
  name: 'bundle',
  description: 'a peer\'s prekey bundle: decodeBundle then verifyBundle (src/crypto/pqxdh/bundle.ts)',
  async: false,
  setup: async () => {
    const provider = defaultProvider()
    const bob = makeOwner(provider, seed(12), { oneTime: 2, oneTimeKem: 2 })
    const seeds = [encodeBundle(bob.bundle()), encodeBundle(bob.bundle({ oneTime: false, oneTimeKem: false }))]
    return {
      inputs: bytesInputs(seeds),
      typedErrors: CRYPTO_ERRORS,
      run: (input) => { verifyBundle(provider, decodeBundle(input), bob.identity.publicKey) }
    }
  }
}

export const contactRecordTarget: FuzzTarget<Uint8Array> = {
  name: 'contact-record',
  description: 'a DHT contact record through the validator: validateContactRecord (src/net/contact-record.ts)',
  async: false,
  setup: async () => {
    const provider = defaultProvider()
    const owner = makeOwner(provider, seed(13))
    const relay = makeOwner(provider, seed(14))
    const privateKey = toLibp2pPrivateKey(owner.identity)
    const key = contactRecordKey(peerIdFromPrivateKey(privateKey))
    const bundle = encodeBundle(owner.bundle({ oneTime: false, oneTimeKem: false }))
    const seeds = [1n, 2n ** 40n].map(sequence => signContactRecord({
      sequence,
      addresses: [multiaddr('/ip4/127.0.0.1/tcp/4455').bytes, multiaddr('/ip4/127.0.0.1/tcp/4456/ws').bytes],
      bundle,
      mailboxes: [{ relayPeerId: peerIdFromPrivateKey(toLibp2pPrivateKey(relay.identity)).toMultihash().bytes, addresses: [multiaddr('/ip4/10.0.0.1/tcp/4455').bytes] }],
      createdAt: BigInt(NOW)
    }, privateKey, provider))
    return {
      inputs: bytesInputs(seeds),
      typedErrors: new Set(['InvalidContactRecordError', ...CRYPTO_ERRORS]),
      run: (input) => { validateContactRecord(key, input, provider) }
    }
  }
}
