/**
 * The passphrase of a home, as `murmur init`, `murmur start` and `murmur backup restore` take
 * it: `--no-passphrase` (only where a home is made), else readPassphrase's sources.
 */
import type { HomeProtection } from '../src/messenger/identity-file.js'
import type { PassphrasePurpose } from '../src/messenger/unlock.js'
import { readPassphrase, type PassphraseOptions } from './passphrase.js'

/** The protection of a home being made (create) or upgraded (migrate). */
export async function homeProtection (options: PassphraseOptions, home: string, purpose: 'create' | 'migrate'): Promise<HomeProtection> {
  if (options.passphrase === false) return { noPassphrase: true }
  return { passphrase: await homePassphrase(options, home, purpose) }
}

/** The passphrase as the KDF takes it (NFC, UTF-8); the caller wipes it. */
export async function homePassphrase (options: PassphraseOptions, home: string, purpose: PassphrasePurpose): Promise<Uint8Array> {
  const raw = await readPassphrase({
    ...(options.passphraseFile !== undefined ? { file: options.passphraseFile } : {}),
    prompt: purpose === 'unlock'
      ? `passphrase for ${home}`
      : purpose === 'create' ? `new passphrase for ${home}` : `${home} was made by an earlier murmur; a passphrase to encrypt it`,
    confirm: purpose !== 'unlock'
  })
  try {
    const { passphraseBytes } = await import('../src/store/at-rest/kdf.js')
    return passphraseBytes(raw)
  } finally {
    raw.fill(0)
  }
}
