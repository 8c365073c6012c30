/**
 * Opening a home (docs/store.md, "Encryption at rest"): finish or undo an interrupted
 * migration, create the identity when asked to, migrate a home of the first murmur, unlock the
 * key file with the passphrase, and open the store under the data key.
 *
 * The passphrase is asked for only when it is needed, through PassphraseSource, and its bytes
 * are wiped once the key-encryption key is derived; the data key is wiped once the ciphers
 * hold their subkeys.
 */
import type { CryptoProvider } from '../crypto/provider.js'
import type { Identity } from '../crypto/identity.js'
import { homeCipher, type StoreCipher } from '../store/at-rest/cipher.js'
import { passphraseBytes } from '../store/at-rest/kdf.js'
import { generateDataKey } from '../store/at-rest/keys.js'
import { PassphraseRequiredError, StoreMigrationRequiredError } from '../store/errors.js'
import { openStore, type Store } from '../store/store.js'
import { homePath } from './home.js'
import { migrateHome, probeLock, recoverMigration, type MigrationStep } from './home-migration.js'
import {
  createIdentityFile, hasIdentityFile, IdentityNotFoundError, readKeyFileInfo, unlockIdentityFile,
  type HomeProtection, type UnlockedHome
} from './identity-file.js'

/** Why a passphrase is asked for: a prompt asks twice for a new one (`create`, `migrate`). */
export type PassphrasePurpose = 'unlock' | 'create' | 'migrate'

/** A passphrase, or a function that obtains it when (and only when) it is needed. */
export type PassphraseSource = string | Uint8Array | ((purpose: PassphrasePurpose) => Promise<string | Uint8Array>)

export interface OpenHomeOptions {
  home: string
  provider: CryptoProvider
  passphrase?: PassphraseSource
  /** Create (or migrate) the home without a passphrase: its store is not encrypted. */
  noPassphrase?: boolean
  /** Create an identity when the home has none. */
  createIdentity?: boolean
  /** Progress of a migration, when one runs. */
  onMigrationStep?: (step: MigrationStep) => void
}

export interface OpenedHome {
  identity: Identity
  store: Store
  /** True when the home has a passphrase and its store is encrypted. */
  encrypted: boolean
  /** A cipher under the same data key, for the libp2p datastore (plainCipher when not encrypted). */
  datastoreCipher: StoreCipher
  /** What happened on the way: a migration, or the creation of the identity. */
  migrated: boolean
  created: boolean
}

/** The passphrase as the KDF takes it, in a new array the caller wipes. */
async function obtain (source: PassphraseSource | undefined, purpose: PassphrasePurpose): Promise<Uint8Array | undefined> {
  if (source === undefined) return undefined
  if (typeof source !== 'function') return passphraseBytes(source)
  const value = await source(purpose)
  try {
    return passphraseBytes(value)
  } finally {
    // What the function handed over is ours: wipe it (a caller's own array is left alone).
    if (value instanceof Uint8Array) value.fill(0)
  }
}

async function chooseProtection (options: OpenHomeOptions, purpose: 'create' | 'migrate'): Promise<HomeProtection> {
  if (options.noPassphrase === true) return { noPassphrase: true }
  const passphrase = await obtain(options.passphrase, purpose)
  if (passphrase !== undefined) return { passphrase }
  throw new PassphraseRequiredError(purpose === 'create'
    ? 'a new home needs a passphrase (or, to store everything unencrypted, choose no passphrase explicitly)'
    : 'this home was made by an earlier murmur and is not encrypted: give a passphrase to encrypt it as it is migrated (or choose no passphrase explicitly)')
}

function wipe (protection: HomeProtection | undefined): void {
  if (protection !== undefined && 'passphrase' in protection) protection.passphrase.fill(0)
}

export async function openHome (options: OpenHomeOptions): Promise<OpenedHome> {
  const { home, provider } = options
  await recoverMigration(home)
  let unlocked: UnlockedHome
  let migrated = false
  let created = false
  if (!await hasIdentityFile(home)) {
    if (options.createIdentity !== true) throw new IdentityNotFoundError(homePath(home, 'identityKey'))
    const protection = await chooseProtection(options, 'create')
    try {
      unlocked = await createIdentityFile(home, protection)
    } finally {
      wipe(protection)
    }
    created = true
  } else {
    const info = await readKeyFileInfo(home)
    if (info.version === 1) {
      const protection = await chooseProtection(options, 'migrate')
      try {
        const { identity } = await unlockIdentityFile(home, undefined)
        const dataKey = 'passphrase' in protection ? generateDataKey(provider) : undefined
        await migrateHome(home, { identity, dataKey, keyFile: protection, provider, onStep: options.onMigrationStep })
        unlocked = { identity, dataKey, version: 2 }
        migrated = true
      } finally {
        wipe(protection)
      }
    } else if (info.encrypted) {
      if (options.noPassphrase === true) throw new PassphraseRequiredError(`the home ${home} is encrypted: it needs its passphrase (no passphrase does not apply to it)`)
      // A home another node runs is refused before anyone types a passphrase for it.
      await probeLock(home)
      const passphrase = await obtain(options.passphrase, 'unlock')
      if (passphrase === undefined) throw new PassphraseRequiredError(`the home ${home} is encrypted: a passphrase is needed to open it`)
      try {
        unlocked = await unlockIdentityFile(home, passphrase)
      } finally {
        passphrase.fill(0)
      }
    } else {
      unlocked = await unlockIdentityFile(home, undefined)
    }
  }

  const { identity, dataKey } = unlocked
  try {
    const cipher = (): StoreCipher => homeCipher(provider, dataKey)
    const storePath = homePath(home, 'store')
    let store: Store
    try {
      store = await openStore({ path: storePath }, { cipher: cipher() })
    } catch (err) {
      if (!(err instanceof StoreMigrationRequiredError)) throw err
      // A current key file over a store of the first layout (an old store the key file was made beside).
      await migrateHome(home, { identity, dataKey, keyFile: undefined, provider, onStep: options.onMigrationStep })
      migrated = true
      store = await openStore({ path: storePath }, { cipher: cipher() })
    }
    return { identity, store, encrypted: dataKey !== undefined, datastoreCipher: cipher(), migrated, created }
  } finally {
    dataKey?.fill(0)
  }
}
