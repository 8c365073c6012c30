/**
 * The ratchet's key derivation functions (Double Ratchet spec §5.2, with the murmur labels of
 * docs/protocol.md part 3 "KDFs").
 */
import type { CryptoProvider } from '../provider.js'
import {
  BODY_NONCE_LENGTH, CHAIN_KEY_SEED, KEY_LENGTH, MESSAGE_KDF_INFO, MESSAGE_KDF_OUTPUT_LENGTH,
  MESSAGE_KEY_SEED, ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH
} from './constants.js'

export interface RootKdfOutput {
  rootKey: Uint8Array
  chainKey: Uint8Array
  nextHeaderKey: Uint8Array
}

/**
 * KDF_RK_HE (spec §4): HKDF-SHA256(ikm = dhOutput, salt = rootKey, info = ROOT_KDF_INFO, 96)
 * split as rootKey || chainKey || nextHeaderKey.
 */
export function kdfRoot (provider: CryptoProvider, rootKey: Uint8Array, dhOutput: Uint8Array): RootKdfOutput {
  const okm = provider.hkdfSha256(dhOutput, rootKey, ROOT_KDF_INFO, ROOT_KDF_OUTPUT_LENGTH)
  const output = {
    rootKey: okm.slice(0, KEY_LENGTH),
    chainKey: okm.slice(KEY_LENGTH, 2 * KEY_LENGTH),
    nextHeaderKey: okm.slice(2 * KEY_LENGTH, 3 * KEY_LENGTH)
  }
  okm.fill(0) // the keys live on in their copies only
  return output
}

export interface ChainKdfOutput {
  chainKey: Uint8Array
  messageKey: Uint8Array
}

/** KDF_CK (spec §5.2): messageKey = HMAC(chainKey, 0x01), next chainKey = HMAC(chainKey, 0x02). */
export function kdfChain (provider: CryptoProvider, chainKey: Uint8Array): ChainKdfOutput {
  return {
    messageKey: provider.hmacSha256(chainKey, MESSAGE_KEY_SEED),
    chainKey: provider.hmacSha256(chainKey, CHAIN_KEY_SEED)
  }
}

export interface MessageKeys {
  bodyKey: Uint8Array
  bodyNonce: Uint8Array
}

/**
 * ENCRYPT's key schedule (spec §5.2 recommends HKDF of the message key). The random header
 * nonce is the salt, so a sender restored from an old snapshot, which re-derives the same
 * messageKey, still never reuses a (bodyKey, bodyNonce) pair.
 */
export function deriveMessageKeys (provider: CryptoProvider, messageKey: Uint8Array, headerNonce: Uint8Array): MessageKeys {
  const okm = provider.hkdfSha256(messageKey, headerNonce, MESSAGE_KDF_INFO, MESSAGE_KDF_OUTPUT_LENGTH)
  const keys = {
    bodyKey: okm.slice(0, KEY_LENGTH),
    bodyNonce: okm.slice(KEY_LENGTH, KEY_LENGTH + BODY_NONCE_LENGTH)
  }
  okm.fill(0)
  return keys
}
