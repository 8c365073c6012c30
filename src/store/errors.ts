/**
 * Typed errors of the store, in the js-libp2p style: one class per failure, each with a stable
 * `name` that callers (the CLI's exit codes, the API's error objects) can switch on.
 */
import { MurmurError } from '../errors/murmur-error.js'

/** Another process holds the LevelDB lock of this home (docs/store.md, "Lock"). */
export class HomeInUseError extends MurmurError {
  /** The pid read from the pid file, or undefined when the file was missing or unreadable. */
  readonly pid: number | undefined
  constructor (pid: number | undefined, options?: { cause?: unknown }) {
    super(pid === undefined
      ? 'this home is in use by a running node, pid unknown'
      : `this home is in use by a running node, pid ${pid}`, options)
    this.pid = pid
  }
}

/** The store was written by a newer murmur whose layout this version does not know. */
export class UnsupportedSchemaVersionError extends MurmurError {
  readonly found: unknown
  readonly supported: number
  constructor (found: unknown, supported: number) {
    super(`the store has schema version ${String(found)}, this murmur supports schema version ${supported}; ` +
      'upgrade murmur to open it (nothing was written)')
    this.found = found
    this.supported = supported
  }
}

/** A stored value could not be decoded: the database was damaged or written by foreign code. */
export class CorruptRecordError extends MurmurError {
  readonly sublevel: string
  constructor (sublevel: string, detail: string, options?: { cause?: unknown }) {
    super(`corrupt record in sublevel "${sublevel}": ${detail}`, options)
    this.sublevel = sublevel
  }
}

/** A key or value cannot be stored: bad peer ID, out-of-range number, unencodable value. */
export class InvalidRecordError extends MurmurError {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * A write found the disk of the home full (LevelDB: "No space left on device"). Nothing of that
 * write was stored, and the store goes on as before it: once there is room, the same change
 * can be made again.
 */
export class HomeDiskFullError extends MurmurError {
  constructor (options?: { cause?: unknown }) {
    super('the disk of this home is full: nothing of this change was stored; free some space and try again', options)
  }
}

/** The error a failed LevelDB write is reported as: HomeDiskFullError for a full disk, else itself. */
export function storeWriteError (err: unknown): unknown {
  const message = (err as Error | undefined)?.message ?? ''
  return /No space left on device|Disk quota exceeded/.test(message) ? new HomeDiskFullError({ cause: err }) : err
}

/** The store was used after close() began. */
export class StoreClosedError extends MurmurError {
  constructor (message = 'the store is closed') {
    super(message)
  }
}

// ---- Encryption at rest (docs/store.md, "Encryption at rest") ----

/** The passphrase does not unlock this home or backup. Nothing was changed. */
export class WrongPassphraseError extends MurmurError {
  constructor (message = 'wrong passphrase (nothing was changed)') {
    super(message)
  }
}

/**
 * A passphrase is needed and none was given: the home is encrypted, or it is being created
 * or upgraded and neither a passphrase nor an explicit "no passphrase" was chosen.
 */
export class PassphraseRequiredError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A passphrase that can never be used: empty, not UTF-8, or the two entries differ. */
export class InvalidPassphraseError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** KDF parameters in a key file or backup are not ones this version accepts. */
export class InvalidKdfParamsError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/**
 * The store's encryption is not what the opener expects: an encrypted store opened without
 * its key, an unencrypted one opened with a key, or a store encrypted under another key.
 */
export class StoreEncryptionMismatchError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** The store has an older layout (schema version 1) and must be migrated before it is opened. */
export class StoreMigrationRequiredError extends MurmurError {
  readonly found: number
  constructor (found: number) {
    super(`the store has schema version ${found} and must be migrated first (murmur start does it)`)
    this.found = found
  }
}

// ---- Backups (docs/store.md, "Backup files") ----

/** A backup file that is not one, or was truncated or altered. Nothing was changed. */
export class BackupCorruptError extends MurmurError {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * The backup file named cannot be written (a missing folder, a full disk, a read-only file
 * system, no permission, a folder by that name) or read. Nothing was written or changed.
 */
export class BackupFileError extends MurmurError {
  readonly path: string
  constructor (path: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.path = path
  }
}

/** A backup written by a newer murmur, in a format this version does not know. Nothing was changed. */
export class UnsupportedBackupVersionError extends MurmurError {
  readonly found: number
  readonly supported: number
  constructor (found: number, supported: number) {
    super(`the backup has format version ${found}, this murmur reads version ${supported}; upgrade murmur to restore it (nothing was changed)`)
    this.found = found
    this.supported = supported
  }
}

/** An option of openStore that is out of its range (docs/store.md, "Memory"); nothing was opened. */
export class InvalidStoreOptionError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}
