/**
 * Ratchet-specific errors. Most failures use the shared classes of src/crypto/errors.ts;
 * this one covers a state that cannot send yet.
 */

/**
 * The state has no sending chain: a responder (RatchetInitBobHE, spec §4) must receive the
 * initiator's first message before it can send.
 */
export class SendingChainUnavailableError extends Error {
  static override name = 'SendingChainUnavailableError'
  constructor (message = 'No sending chain yet: receive a message first') {
    super(message)
    this.name = 'SendingChainUnavailableError'
  }
}
