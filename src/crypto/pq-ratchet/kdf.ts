/**
 * Key derivation of the Triple Ratchet (docs/protocol.md part 3b, "KDFs"): the epoch keys of
 * the post-quantum ratchet and the mix of an epoch key into every Double Ratchet chain key,
 * from which every message key of the chain is then derived.
 */
import { concat, u32be } from '../bytes.js'
import type { CryptoProvider } from '../provider.js'
import { CHAIN_MIX_LABEL, EPOCH_KEY_INFO } from './constants.js'

const EMPTY = new Uint8Array(0)

/** EK_0 = HKDF-SHA256(ikm = SK, salt = empty, info = "murmur/v2/triple/epoch-key" || u32be(0), 32). */
export function initialEpochKey (provider: CryptoProvider, sessionKey: Uint8Array): Uint8Array {
  return provider.hkdfSha256(sessionKey, EMPTY, concat(EPOCH_KEY_INFO, u32be(0)), 32)
}

/**
 * EK_{e+1} = HKDF-SHA256(ikm = SS, salt = EK_e,
 *   info = "murmur/v2/triple/epoch-key" || u32be(e + 1) || SHA-256(ek || ct), 32).
 * The transcript hash binds the exact key and ciphertext the two sides exchanged.
 */
export function nextEpochKey (provider: CryptoProvider, epochKey: Uint8Array, nextEpoch: number, sharedSecret: Uint8Array, encapsulationKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const transcript = provider.sha256(concat(encapsulationKey, ciphertext))
  return provider.hkdfSha256(sharedSecret, epochKey, concat(EPOCH_KEY_INFO, u32be(nextEpoch), transcript), 32)
}

/**
 * A chain key of epoch e: HMAC-SHA256(key = EK_e, data = "murmur/v2/triple/chain" ||
 * u32be(e) || CK), where CK is the chain key KDF_RK gave. One HMAC per new chain; every
 * message key of the chain (KDF_CK) then depends on both the X25519 chain and EK_e.
 */
export function mixChainKey (provider: CryptoProvider, epochKey: Uint8Array, epoch: number, chainKey: Uint8Array): Uint8Array {
  const data = concat(CHAIN_MIX_LABEL, u32be(epoch), chainKey) // holds a copy of the chain key
  const mixed = provider.hmacSha256(epochKey, data)
  data.fill(0)
  return mixed
}
