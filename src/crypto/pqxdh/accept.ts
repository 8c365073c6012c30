/**
 * The responder accepts a PreKeyMessage: PQXDH (responder.ts), then the first ratchet
 * message. Pure: the prekeys come from callbacks over what the caller loaded, and nothing
 * is consumed here. The caller deletes one-time prekeys and records a last-resort base key
 * ONLY after this returns (DESIGN.md: "Bob deletes a one-time prekey only after the first
 * message decrypts"; PQXDH spec §3.4 and §4.8 on replays of the last-resort prekey).
 */
import {
  BaseKeyReusedError, LowOrderPointError, PreKeyNotFoundError, WrongRecipientError
} from '../errors.js'
import { isLowOrderX25519 } from '../low-order.js'
import type { CryptoProvider, KeyPair } from '../provider.js'
import { initializeResponder, ratchetDecrypt, type RatchetState } from '../ratchet/index.js'
import { bytesEqual } from './bytes.js'
import type { IdentityKeys } from './identity-keys.js'
import { decodePreKeyMessage, type PreKeyMessage } from './message.js'
import type { KemPreKeyKind } from './prekeys.js'
import { pqxdhRespond } from './responder.js'

/** What the responder holds, as lookups over the caller's store. */
export interface ResponderContext {
  identity: IdentityKeys
  findSignedPreKey: (id: number) => { keyPair: KeyPair } | undefined
  findKemPreKey: (id: number, kind: KemPreKeyKind) => { keyPair: KeyPair } | undefined
  findOneTimePreKey: (id: number) => { keyPair: KeyPair } | undefined
  /** True when this base key was already accepted under this last-resort KEM prekey. */
  isLastResortBaseKeyUsed: (kemPreKeyId: number, baseKey: Uint8Array) => boolean
}

/** What the caller must consume, and only once the result is durable. */
export interface ConsumedPreKeys {
  oneTimePreKeyId?: number
  oneTimeKemPreKeyId?: number
  lastResortBaseKey?: { kemPreKeyId: number, baseKey: Uint8Array }
}

export interface AcceptedPreKeyMessage {
  state: RatchetState
  plaintext: Uint8Array
  consumed: ConsumedPreKeys
  /** The decoded message (identity keys, base key, prekey ids). */
  message: PreKeyMessage
  ad: Uint8Array
}

export interface AcceptOptions {
  /** Passed to the ratchet (skipped-key ages). */
  now?: number
}

/**
 * Checks, in order, each a typed error with nothing changed: malformed bytes ->
 * InvalidMessageError; recipientIdentityKey not ours -> WrongRecipientError; low-order
 * baseKey -> LowOrderPointError; an unknown signed, KEM or one-time prekey ->
 * PreKeyNotFoundError; a last-resort KEM prekey with a base key already used ->
 * BaseKeyReusedError; the first ratchet message fails -> the ratchet's error.
 */
export function acceptPreKeyMessage (provider: CryptoProvider, context: ResponderContext, message: Uint8Array | PreKeyMessage, options: AcceptOptions = {}): AcceptedPreKeyMessage {
  const decoded = message instanceof Uint8Array ? decodePreKeyMessage(message) : message
  const { identity } = context
  if (!bytesEqual(decoded.recipientIdentityKey, identity.publicKey)) throw new WrongRecipientError()
  if (isLowOrderX25519(decoded.baseKey)) throw new LowOrderPointError('PreKeyMessage baseKey is of low order')

  const signedPreKey = context.findSignedPreKey(decoded.signedPreKeyId)
  if (signedPreKey == null) throw new PreKeyNotFoundError(`Signed prekey ${decoded.signedPreKeyId} not found`)
  const kemPreKey = context.findKemPreKey(decoded.kemPreKeyId, decoded.kemPreKeyKind)
  if (kemPreKey == null) throw new PreKeyNotFoundError(`${decoded.kemPreKeyKind} KEM prekey ${decoded.kemPreKeyId} not found`)
  let oneTimePreKey: { keyPair: KeyPair } | undefined
  if (decoded.oneTimePreKeyId != null) {
    oneTimePreKey = context.findOneTimePreKey(decoded.oneTimePreKeyId)
    if (oneTimePreKey == null) throw new PreKeyNotFoundError(`One-time prekey ${decoded.oneTimePreKeyId} not found`)
  }
  if (decoded.kemPreKeyKind === 'last-resort' && context.isLastResortBaseKeyUsed(decoded.kemPreKeyId, decoded.baseKey)) {
    throw new BaseKeyReusedError()
  }

  const keys = pqxdhRespond(provider, identity, {
    signedPreKey: signedPreKey.keyPair,
    kemPreKey: kemPreKey.keyPair,
    oneTimePreKey: oneTimePreKey?.keyPair
  }, decoded)
  // Double Ratchet spec §4 RatchetInitBobHE(SK, bob_dh_key_pair = SPK_B, shared_hka, shared_nhkb).
  const initial = initializeResponder(provider, {
    rootKey: keys.rootKey,
    sendingNextHeaderKey: keys.responderNextHeaderKey,
    receivingNextHeaderKey: keys.initiatorHeaderKey,
    ratchetKeyPair: signedPreKey.keyPair,
    ad: keys.ad
  })
  const { state, plaintext } = ratchetDecrypt(provider, initial, decoded.message, options)

  const consumed: ConsumedPreKeys = {}
  if (decoded.oneTimePreKeyId != null) consumed.oneTimePreKeyId = decoded.oneTimePreKeyId
  if (decoded.kemPreKeyKind === 'one-time') consumed.oneTimeKemPreKeyId = decoded.kemPreKeyId
  else consumed.lastResortBaseKey = { kemPreKeyId: decoded.kemPreKeyId, baseKey: decoded.baseKey.slice() }
  return { state, plaintext, consumed, message: decoded, ad: keys.ad }
}
