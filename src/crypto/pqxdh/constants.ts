/**
 * Every label and constant of murmur's PQXDH (docs/protocol.md part 2). Labels are UTF-8 with
 * no terminator. Separate signature labels per prekey kind stop a one-time KEM prekey being
 * passed off as the last-resort one and vice versa (PQXDH spec §2.2 leaves the encoding to
 * the application).
 */
import { utf8 } from './bytes.js'

export const SIGNED_PREKEY_SIGNATURE_LABEL = 'murmur/v1/signed-prekey'
export const LAST_RESORT_KEM_PREKEY_SIGNATURE_LABEL = 'murmur/v1/kem-prekey/last-resort'
export const ONE_TIME_KEM_PREKEY_SIGNATURE_LABEL = 'murmur/v1/kem-prekey/one-time'
/** HKDF info: PQXDH spec §2.1 "info" names the curve, hash and KEM. */
export const PQXDH_INFO = 'murmur/v1/pqxdh X25519 SHA-256 ML-KEM-768'
/** Prefix of the session associated data: label || IK_A || IK_B (PQXDH spec §3.3). */
export const ASSOCIATED_DATA_LABEL = 'murmur/v1/ad'

/** rootKey(32) || initiatorHeaderKey(32) || responderNextHeaderKey(32). */
export const PQXDH_KEY_MATERIAL_LENGTH = 96
export const PREKEY_MESSAGE_VERSION = 1

export const signedPreKeyLabel = utf8(SIGNED_PREKEY_SIGNATURE_LABEL)
export const lastResortKemPreKeyLabel = utf8(LAST_RESORT_KEM_PREKEY_SIGNATURE_LABEL)
export const oneTimeKemPreKeyLabel = utf8(ONE_TIME_KEM_PREKEY_SIGNATURE_LABEL)
export const pqxdhInfo = utf8(PQXDH_INFO)
export const associatedDataLabel = utf8(ASSOCIATED_DATA_LABEL)
