/**
 * Migrating a home in place from the first murmur's layout (key file version 1, store schema
 * version 1, both unencrypted) to the current one (docs/store.md, "Migration"), atomically:
 * after a crash at any point the home holds either the old key file and store or the new ones,
 * never a mix, and nothing is lost.
 *
 *   1. copy the old store into `store.migrating` (encrypted under the new data key) and write
 *      the new key file to `identity.key.migrating`, both synced; the old ones are only read;
 *   2. commit: write `migration.commit` (synced temporary file, renamed);
 *   3. move `identity.key.migrating` over `identity.key`, `store` to `store.old`,
 *      `store.migrating` to `store`; remove `store.old` (and, when encrypting, the plaintext
 *      libp2p datastore, a cache); remove `migration.commit`.
 *
 * Every start first runs recoverMigration(): without a commit record it deletes what step 1
 * left (the old home is intact); with one it redoes step 3, each move only if still to be done.
 */
import { logger } from '@libp2p/logger'
import { ClassicLevel } from 'classic-level'
import { readFile, rename, rm } from 'node:fs/promises'
import type { Identity } from '../crypto/identity.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { homeCipher } from '../store/at-rest/cipher.js'
import { HomeInUseError } from '../store/errors.js'
import { isLockedError, pidFilePath, readPidFile } from '../store/lock.js'
import { copyV1Store } from '../store/migrate/copy.js'
import { openStore } from '../store/store.js'
import type { Level } from '../store/sublevel.js'
import { pathExists, syncFolder, writeFileAtomically } from './files.js'
import { homePath } from './home.js'
import { keyFileContents, type HomeProtection } from './identity-file.js'

const log = logger('murmur:store:migrate')

/** The steps of a migration, in order, as reported to `onStep` before each one runs. */
export type MigrationStep = 'copy' | 'key-file' | 'commit' | 'swap-key-file' | 'move-old-store' | 'move-new-store' | 'clean-up'

export interface MigrateHomeOptions {
  identity: Identity
  /**
   * The data key of the new home: the store is encrypted under it; undefined for a home
   * without a passphrase. The caller wipes it.
   */
  dataKey: Uint8Array | undefined
  /** The protection of the new key file; undefined when the key file is already current (only the store is migrated). */
  keyFile: HomeProtection | undefined
  provider: CryptoProvider
  /** Called before each step (progress, and tests that stop a migration at a given step). */
  onStep?: (step: MigrationStep) => void
}

interface CommitRecord {
  version: 1
  /** Remove the libp2p datastore (plaintext peer store) once the new store is in place. */
  removeDatastore: boolean
}


/**
 * Finishes or undoes a migration that a crash interrupted. Returns what it did. Call it before
 * anything else opens the home. When there is something to do, it first makes sure no running
 * process holds the home (probeLock): another node may be in the middle of that migration.
 */
export async function recoverMigration (home: string): Promise<'none' | 'rolled-back' | 'completed'> {
  const commit = homePath(home, 'migrationCommit')
  const leftovers = [homePath(home, 'storeMigrating'), homePath(home, 'keyFileMigrating')]
  const pending = [commit, ...leftovers, homePath(home, 'storeOld')]
  if (!(await Promise.all(pending.map(pathExists))).some(Boolean)) return 'none'
  await probeLock(home)
  if (await pathExists(commit)) {
    let record: CommitRecord
    try {
      record = JSON.parse(await readFile(commit, 'utf8')) as CommitRecord
    } catch {
      // Written by rename from a synced file, so it is whole; be safe anyway and keep the datastore.
      record = { version: 1, removeDatastore: false }
    }
    await finish(home, record)
    log('completed an interrupted migration')
    return 'completed'
  }
  let found = false
  for (const path of leftovers) {
    if (await pathExists(path)) {
      found = true
      await rm(path, { recursive: true, force: true })
    }
  }
  if (found) {
    await syncFolder(home)
    log('rolled back an interrupted migration')
  }
  return found ? 'rolled-back' : 'none'
}

/** Step 3, idempotent: every move happens only if it has not happened yet. */
async function finish (home: string, record: CommitRecord, onStep?: (step: MigrationStep) => void): Promise<void> {
  const store = homePath(home, 'store')
  const storeOld = homePath(home, 'storeOld')
  const storeNew = homePath(home, 'storeMigrating')
  const keyNew = homePath(home, 'keyFileMigrating')
  onStep?.('swap-key-file')
  if (await pathExists(keyNew)) await rename(keyNew, homePath(home, 'identityKey'))
  if (await pathExists(storeNew)) {
    onStep?.('move-old-store')
    if (await pathExists(store)) {
      await rm(storeOld, { recursive: true, force: true })
      await rename(store, storeOld)
    }
    onStep?.('move-new-store')
    await rename(storeNew, store)
  }
  await syncFolder(home)
  onStep?.('clean-up')
  await rm(storeOld, { recursive: true, force: true })
  if (record.removeDatastore) await rm(homePath(home, 'datastore'), { recursive: true, force: true })
  await rm(homePath(home, 'migrationCommit'), { force: true })
  await syncFolder(home)
}

/**
 * Fails with HomeInUseError when a running process holds the home's store (LevelDB's lock):
 * a migration or its recovery must never run beside another node of the same home.
 */
export async function probeLock (home: string): Promise<void> {
  const path = homePath(home, 'store')
  if (!await pathExists(path)) return
  const level = new ClassicLevel(path)
  try {
    await level.open({ createIfMissing: false })
  } catch (err) {
    if (isLockedError(err)) throw new HomeInUseError(await readPidFile(pidFilePath(path)), { cause: err })
    return // not a LevelDB yet, or damaged: the open that follows reports it
  }
  await level.close()
}

/**
 * Migrates a home whose key file is version 1 (and whose store, if any, is schema version 1)
 * to the current layout, or (keyFile undefined) only a schema version 1 store under a current
 * key file. The caller has run recoverMigration().
 */
export async function migrateHome (home: string, options: MigrateHomeOptions): Promise<void> {
  const { identity, dataKey, provider, onStep } = options
  const storePath = homePath(home, 'store')
  const storeNew = homePath(home, 'storeMigrating')
  const encrypt = dataKey !== undefined
  if (await pathExists(storePath)) {
    onStep?.('copy')
    const source = new ClassicLevel<string, Uint8Array>(storePath, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level
    try {
      await source.open()
    } catch (err) {
      if (isLockedError(err)) throw new HomeInUseError(await readPidFile(pidFilePath(storePath)), { cause: err })
      throw err
    }
    try {
      const target = await openStore({ path: storeNew }, { cipher: homeCipher(provider, dataKey), pidFile: false })
      try {
        const { records } = await copyV1Store(source, target)
        log('migrated %d records', records)
      } finally {
        await target.close()
      }
    } catch (err) {
      await rm(storeNew, { recursive: true, force: true })
      throw err
    } finally {
      await source.close()
    }
  }
  if (options.keyFile !== undefined) {
    onStep?.('key-file')
    await writeFileAtomically(homePath(home, 'keyFileMigrating'), await keyFileContents(identity, options.keyFile, dataKey))
  }
  onStep?.('commit')
  const record: CommitRecord = { version: 1, removeDatastore: encrypt }
  await writeFileAtomically(homePath(home, 'migrationCommit'), JSON.stringify(record) + '\n')
  await finish(home, record, onStep)
  log('migrated the home to key file version 2 and store schema version 2 (%s)', encrypt ? 'encrypted' : 'not encrypted')
}
