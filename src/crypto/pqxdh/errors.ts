/** Errors specific to PQXDH prekey management (src/crypto/errors.ts holds the shared ones). */
import { MurmurError } from '../../errors/murmur-error.js'

/** A prekey id is not an unsigned 32-bit integer, or a batch would run past 2^32 - 1. */
export class InvalidPreKeyIdError extends MurmurError {
  constructor (message = 'Prekey ids must be unsigned 32-bit integers') {
    super(message)
  }
}
