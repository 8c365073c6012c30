/** Errors specific to PQXDH prekey management (src/crypto/errors.ts holds the shared ones). */

/** A prekey id is not an unsigned 32-bit integer, or a batch would run past 2^32 - 1. */
export class InvalidPreKeyIdError extends Error {
  static override name = 'InvalidPreKeyIdError'
  constructor (message = 'Prekey ids must be unsigned 32-bit integers') {
    super(message)
    this.name = 'InvalidPreKeyIdError'
  }
}
