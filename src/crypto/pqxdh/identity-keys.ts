/**
 * The identity PQXDH works with: src/crypto/identity.ts `Identity`, an Ed25519 key pair
 * (seed, publicKey) that signs prekeys, and its X25519 form (dhPrivateKey, dhPublicKey) used
 * in the DH terms (DESIGN.md "Identity and addressing").
 */
import type { Identity } from '../identity.js'

export type IdentityKeys = Identity

/**
 * The X25519 form of a remote Ed25519 identity key (the birational map of RFC 7748 §4.1), so
 * one key both signs prekeys and takes part in DH1/DH2. InvalidKeyError on a bad point.
 */
export { identityDhPublicKey as remoteIdentityDhKey } from '../identity.js'
