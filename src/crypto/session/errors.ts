/** Errors of the session layer (shared ones live in src/crypto/errors.ts). */

/**
 * A message or bundle names a different remote identity than the record it is applied to: a
 * record holds the sessions with ONE remote identity, so the caller picked the wrong record.
 */
export class RemoteIdentityMismatchError extends Error {
  static override name = 'RemoteIdentityMismatchError'
  constructor (message = 'The remote identity does not match this session record') {
    super(message)
    this.name = 'RemoteIdentityMismatchError'
  }
}
