/**
 * Typed errors of the store, in the js-libp2p style: one class per failure, each with a stable
 * `name` that callers (the CLI's exit codes, the API's error objects) can switch on.
 */

/** Another process holds the LevelDB lock of this home (docs/store.md, "Lock"). */
export class HomeInUseError extends Error {
  /** The pid read from the pid file, or undefined when the file was missing or unreadable. */
  readonly pid: number | undefined
  constructor (pid: number | undefined, options?: { cause?: unknown }) {
    super(pid === undefined
      ? 'this home is in use by a running node, pid unknown'
      : `this home is in use by a running node, pid ${pid}`, options)
    this.name = 'HomeInUseError'
    this.pid = pid
  }
}

/** The store was written by a newer murmur whose layout this version does not know. */
export class UnsupportedSchemaVersionError extends Error {
  readonly found: unknown
  readonly supported: number
  constructor (found: unknown, supported: number) {
    super(`the store has schema version ${String(found)}, this murmur supports schema version ${supported}; ` +
      'upgrade murmur to open it (nothing was written)')
    this.name = 'UnsupportedSchemaVersionError'
    this.found = found
    this.supported = supported
  }
}

/** A stored value could not be decoded: the database was damaged or written by foreign code. */
export class CorruptRecordError extends Error {
  readonly sublevel: string
  constructor (sublevel: string, detail: string, options?: { cause?: unknown }) {
    super(`corrupt record in sublevel "${sublevel}": ${detail}`, options)
    this.name = 'CorruptRecordError'
    this.sublevel = sublevel
  }
}

/** A key or value cannot be stored: bad peer ID, out-of-range number, unencodable value. */
export class InvalidRecordError extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'InvalidRecordError'
  }
}

/** The store was used after close() began. */
export class StoreClosedError extends Error {
  constructor (message = 'the store is closed') {
    super(message)
    this.name = 'StoreClosedError'
  }
}
