/**
 * The home folder: where a node keeps its identity key file, its store and its config
 * (DESIGN.md "Local API and CLI": `--home`, else MURMUR_HOME, else ~/.murmur).
 */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const HOME_ENV = 'MURMUR_HOME'
export const DEFAULT_HOME_DIR = '.murmur'

/** The file names inside a home folder. */
export const HOME_FILES = {
  /**
   * The key file (mode 0600): the identity (Ed25519 seed) and, with a passphrase, the wrapped
   * data key of the store, both encrypted (docs/store.md, "The key file").
   */
  identityKey: 'identity.key',
  /** User settings: display name, bootstrap list, listen addresses. */
  config: 'config.json',
  /** The LevelDB store. */
  store: 'store',
  /** libp2p's datastore (peer store, DHT records). */
  datastore: 'datastore',
  /** Written by a running node: its API address, and the API bearer token (mode 0600). */
  apiAddress: 'api.address',
  apiToken: 'api.token',
  /** During a store migration (docs/store.md, "Migration"): the new store and key file, ... */
  storeMigrating: 'store.migrating',
  keyFileMigrating: 'identity.key.migrating',
  /** ... the old store, between the swap and its removal, ... */
  storeOld: 'store.old',
  /** ... and the commit record: once it exists, the migration is finished on the next start whatever happens. */
  migrationCommit: 'migration.commit',
  /** During a restore from a backup: the store and key file being built (docs/store.md, "Backup files"). */
  storeRestoring: 'store.restoring',
  keyFileRestoring: 'identity.key.restoring',
  /** The web app's sign-in sessions (hashes only, mode 0600), kept across restarts. */
  webSessions: 'web-sessions.json'
} as const

/** Resolves the home folder from an explicit option, the environment, or the default. */
export function resolveHome (explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit != null && explicit !== '') return resolve(explicit)
  const fromEnv = env[HOME_ENV]
  if (fromEnv != null && fromEnv !== '') return resolve(fromEnv)
  return join(homedir(), DEFAULT_HOME_DIR)
}

export function homePath (home: string, file: keyof typeof HOME_FILES): string {
  return join(home, HOME_FILES[file])
}
