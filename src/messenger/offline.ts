/**
 * What works without a running node: creating an identity and describing it.
 */
import { defaultProvider } from '../crypto/providers/index.js'
import { fingerprintHalf, formatSafetyNumber } from '../crypto/fingerprint.js'
import { peerIdFromIdentityKey } from '../crypto/identity.js'
import { readConfig, writeConfig } from './config.js'
import { createIdentityFile, readIdentityFile } from './identity-file.js'
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
}

export async function initHome (home: string, options: { name?: string } = {}): Promise<IdentityInfo> {
  const identity = await createIdentityFile(home)
  if (options.name !== undefined) {
    const config = await readConfig(home)
    await writeConfig(home, { ...config, name: options.name })
  }
  return await describeIdentity(home, identity.publicKey)
}

export async function describeIdentity (home: string, identityKey?: Uint8Array): Promise<IdentityInfo> {
  const publicKey = identityKey ?? (await readIdentityFile(home)).publicKey
  const config = await readConfig(home)
  return {
    peerId: peerIdFromIdentityKey(publicKey),
    fingerprint: formatSafetyNumber(fingerprintHalf(defaultProvider(), publicKey)),
    ...(config.name !== undefined ? { name: config.name } : {}),
    home,
    identityFile: homePath(home, 'identityKey')
  }
}
