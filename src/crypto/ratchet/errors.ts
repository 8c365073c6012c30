/**
 * Ratchet-specific errors. Most failures use the shared classes of src/crypto/errors.ts;
 * this one covers a state that cannot send yet.
 */
import { MurmurError } from '../../errors/murmur-error.js'

/**
 * The state has no sending chain: a responder (RatchetInitBobHE, spec §4) must receive the
 * initiator's first message before it can send.
 */
export class SendingChainUnavailableError extends MurmurError {
  constructor (message = 'No sending chain yet: receive a message first') {
    super(message)
  }
}
