/**
 * The owner's side of prekeys (PQXDH spec §3.2 "Publishing keys"): generation and signing.
 * Private parts are returned to the caller, who stores them; nothing here does I/O.
 *
 * Every signature is Ed25519(identity seed, label || u32be(id) || publicKey), with one label
 * per prekey kind (constants.ts).
 */
import type { CryptoProvider, KeyPair } from '../provider.js'
import { concatBytes, isU32, u32be } from './bytes.js'
import { lastResortKemPreKeyLabel, oneTimeKemPreKeyLabel, signedPreKeyLabel } from './constants.js'
import { InvalidPreKeyIdError } from './errors.js'
import type { IdentityKeys } from './identity-keys.js'

export type KemPreKeyKind = 'one-time' | 'last-resort'

/** A signed X25519 prekey with its private key (the owner's copy). */
export interface SignedPreKeyRecord {
  id: number
  keyPair: KeyPair
  signature: Uint8Array
  /** Milliseconds since the Unix epoch; drives rotation (DESIGN.md: weekly by default). */
  createdAt: number
}

/** A signed ML-KEM-768 prekey with its secret key (2400 bytes). */
export interface KemPreKeyRecord {
  id: number
  kind: KemPreKeyKind
  keyPair: KeyPair
  signature: Uint8Array
  createdAt: number
}

/** A one-time X25519 prekey (unsigned, as in Signal's PQXDH). */
export interface OneTimePreKeyRecord {
  id: number
  keyPair: KeyPair
  createdAt: number
}

export interface PreKeyOptions {
  /** Creation time in ms; defaults to Date.now(). */
  now?: number
}

function checkId (id: number): void {
  if (!isU32(id)) throw new InvalidPreKeyIdError()
}

function checkBatch (firstId: number, count: number): void {
  checkId(firstId)
  if (!Number.isInteger(count) || count < 0 || firstId + count - 1 > 0xffffffff) {
    throw new InvalidPreKeyIdError('Prekey batch runs past id 2^32 - 1')
  }
}

/** The label of a KEM prekey signature: one-time and last-resort keys are not interchangeable. */
export function kemPreKeyLabel (kind: KemPreKeyKind): Uint8Array {
  return kind === 'last-resort' ? lastResortKemPreKeyLabel : oneTimeKemPreKeyLabel
}

/** The exact bytes a prekey signature covers: label || u32be(id) || publicKey. */
export function preKeySignedMessage (label: Uint8Array, id: number, publicKey: Uint8Array): Uint8Array {
  return concatBytes(label, u32be(id), publicKey)
}

export function generateSignedPreKey (provider: CryptoProvider, identity: Pick<IdentityKeys, 'seed'>, id: number, options: PreKeyOptions = {}): SignedPreKeyRecord {
  checkId(id)
  const keyPair = provider.x25519GenerateKeyPair()
  const signature = provider.ed25519Sign(identity.seed, preKeySignedMessage(signedPreKeyLabel, id, keyPair.publicKey))
  return { id, keyPair, signature, createdAt: options.now ?? Date.now() }
}

function generateKemPreKey (provider: CryptoProvider, identity: Pick<IdentityKeys, 'seed'>, id: number, kind: KemPreKeyKind, createdAt: number): KemPreKeyRecord {
  const keyPair = provider.mlkem768GenerateKeyPair()
  const signature = provider.ed25519Sign(identity.seed, preKeySignedMessage(kemPreKeyLabel(kind), id, keyPair.publicKey))
  return { id, kind, keyPair, signature, createdAt }
}

/** The last-resort ML-KEM prekey: used when no one-time KEM prekey is left (PQXDH spec §2.4). */
export function generateLastResortKemPreKey (provider: CryptoProvider, identity: Pick<IdentityKeys, 'seed'>, id: number, options: PreKeyOptions = {}): KemPreKeyRecord {
  checkId(id)
  return generateKemPreKey(provider, identity, id, 'last-resort', options.now ?? Date.now())
}

/** `count` one-time ML-KEM prekeys with ids firstId, firstId + 1, ... */
export function generateOneTimeKemPreKeys (provider: CryptoProvider, identity: Pick<IdentityKeys, 'seed'>, firstId: number, count: number, options: PreKeyOptions = {}): KemPreKeyRecord[] {
  checkBatch(firstId, count)
  const createdAt = options.now ?? Date.now()
  const out: KemPreKeyRecord[] = []
  for (let i = 0; i < count; i++) out.push(generateKemPreKey(provider, identity, firstId + i, 'one-time', createdAt))
  return out
}

/** `count` one-time X25519 prekeys with ids firstId, firstId + 1, ... */
export function generateOneTimePreKeys (provider: CryptoProvider, firstId: number, count: number, options: PreKeyOptions = {}): OneTimePreKeyRecord[] {
  checkBatch(firstId, count)
  const createdAt = options.now ?? Date.now()
  const out: OneTimePreKeyRecord[] = []
  for (let i = 0; i < count; i++) out.push({ id: firstId + i, keyPair: provider.x25519GenerateKeyPair(), createdAt })
  return out
}
