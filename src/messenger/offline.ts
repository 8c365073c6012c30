/**
 * What works without a running node: creating an identity and describing it.
 */
import { defaultProvider } from '../crypto/providers/index.js'
import { fingerprintHalf, formatSafetyNumber } from '../crypto/fingerprint.js'
import { peerIdFromIdentityKey } from '../crypto/identity.js'
import { readConfig, writeConfig } from './config.js'
import { createIdentityFile, readKeyFileInfo, type HomeProtection } from './identity-file.js'
import { homePath } from './home.js'

export interface IdentityInfo {
  /** The peer ID: this node's address. */
  peerId: string
  /** The 30-digit half of every safety number this identity takes part in, in groups of 5. */
  fingerprint: string
  /** The display name from config.json, when set. */
  name?: string
  home: string
  identityFile: string
  /** False when the home was made without a passphrase (its store is not encrypted). */
  encrypted: boolean
}

/**
 * Creates the identity of a new home, protected by a passphrase or, when chosen, by none (the
 * passphrase bytes are wiped here). The store is created at the first start.
 */
export async function initHome (home: string, protection: HomeProtection, options: { name?: string } = {}): Promise<IdentityInfo> {
  let created
  try {
    created = await createIdentityFile(home, protection)
  } finally {
    if ('passphrase' in protection) protection.passphrase.fill(0)
  }
  created.dataKey?.fill(0)
  if (options.name !== undefined) {
    const config = await readConfig(home)
    await writeConfig(home, { ...config, name: options.name })
  }
  return await describeIdentity(home)
}

/** Who this home is: needs no passphrase (the key file holds the public key in the clear). */
export async function describeIdentity (home: string): Promise<IdentityInfo> {
  const { publicKey, encrypted } = await readKeyFileInfo(home)
  const config = await readConfig(home)
  return {
    peerId: peerIdFromIdentityKey(publicKey),
    fingerprint: formatSafetyNumber(fingerprintHalf(defaultProvider(), publicKey)),
    ...(config.name !== undefined ? { name: config.name } : {}),
    home,
    identityFile: homePath(home, 'identityKey'),
    encrypted
  }
}
