/** Errors of the session layer (shared ones live in src/crypto/errors.ts). */
import { MurmurError } from '../../errors/murmur-error.js'
import { InvalidStateError } from '../errors.js'

/**
 * A message or bundle names a different remote identity than the record it is applied to: a
 * record holds the sessions with ONE remote identity, so the caller picked the wrong record.
 */
export class RemoteIdentityMismatchError extends MurmurError {
  constructor (message = 'The remote identity does not match this session record') {
    super(message)
  }
}

/**
 * A stored record made before the Triple Ratchet (record version 1). It is not upgraded in
 * place (the two sides' root keys stand at different points, so no common post-quantum key
 * can be derived from them without a new key agreement); the caller drops it and the next
 * message starts a new PQXDH session, which the peer accepts as a reset (docs/protocol.md
 * part 4, "Upgrade from the Double Ratchet").
 */
export class LegacySessionRecordError extends InvalidStateError {
  constructor (message = 'Session record made before the Triple Ratchet; start a new session') {
    super(message)
  }
}
