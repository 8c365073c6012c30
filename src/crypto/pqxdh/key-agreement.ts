/**
 * The shared PQXDH computation (PQXDH spec §2.2 KDF, §3.3 and §3.4), used by both roles:
 *
 *   keyMaterial = HKDF-SHA256(ikm = 0xFF * 32 || DH1 || DH2 || DH3 || [DH4] || SS,
 *                             salt = 0x00 * 32,
 *                             info = "murmur/v1/pqxdh X25519 SHA-256 ML-KEM-768", L = 96)
 *               = rootKey(32) || initiatorHeaderKey(32) || responderNextHeaderKey(32)
 *
 * The 32 0xFF bytes are the spec's F (domain separation from XEdDSA, as for X25519 in X3DH).
 * The two header keys feed the header-encrypted Double Ratchet (Double Ratchet spec §4:
 * "shared_hka" and "shared_nhkb").
 */
import type { CryptoProvider } from '../provider.js'
import { concatBytes } from './bytes.js'
import { associatedDataLabel, PQXDH_KEY_MATERIAL_LENGTH, pqxdhInfo } from './constants.js'

export interface PqxdhSharedInputs {
  dh1: Uint8Array
  dh2: Uint8Array
  dh3: Uint8Array
  dh4?: Uint8Array
  kemSharedSecret: Uint8Array
}

export interface PqxdhKeys {
  keyMaterial: Uint8Array
  rootKey: Uint8Array
  /** The initiator's first sending header key (shared_hka). */
  initiatorHeaderKey: Uint8Array
  /** The responder's first sending header key, the initiator's next receiving one (shared_nhkb). */
  responderNextHeaderKey: Uint8Array
}

const F = new Uint8Array(32).fill(0xff)
const SALT = new Uint8Array(32)

export function derivePqxdhKeys (provider: CryptoProvider, inputs: PqxdhSharedInputs): PqxdhKeys {
  const parts = [F, inputs.dh1, inputs.dh2, inputs.dh3]
  if (inputs.dh4 != null) parts.push(inputs.dh4)
  parts.push(inputs.kemSharedSecret)
  const ikm = concatBytes(...parts)
  const keyMaterial = provider.hkdfSha256(ikm, SALT, pqxdhInfo, PQXDH_KEY_MATERIAL_LENGTH)
  // The concatenation is a copy of every DH output and the KEM secret; the callers own (and
  // return, for the vectors) the parts themselves.
  ikm.fill(0)
  return {
    keyMaterial,
    rootKey: keyMaterial.slice(0, 32),
    initiatorHeaderKey: keyMaterial.slice(32, 64),
    responderNextHeaderKey: keyMaterial.slice(64, 96)
  }
}

/** AD = "murmur/v1/ad" || IK_A || IK_B, both Ed25519 identity keys (PQXDH spec §3.3). */
export function pqxdhAssociatedData (initiatorIdentityKey: Uint8Array, responderIdentityKey: Uint8Array): Uint8Array {
  return concatBytes(associatedDataLabel, initiatorIdentityKey, responderIdentityKey)
}
