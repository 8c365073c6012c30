/**
 * Typed errors of the network layer (src/net), in the js-libp2p style: one class per failure,
 * each with a stable `name` that callers can switch on.
 */

import { MurmurError } from '../errors/murmur-error.js'

/** Why a contact record was rejected (docs/network.md, "Validator"). */
export type ContactRecordRejection =
  | 'bad-key'
  | 'too-large'
  | 'malformed'
  | 'non-canonical'
  | 'peer-id-mismatch'
  | 'unsupported-key-type'
  | 'bad-field'
  | 'bad-signature'

/** A contact record failed validation; `reason` says which check failed. */
export class InvalidContactRecordError extends MurmurError {
  readonly reason: ContactRecordRejection
  constructor (reason: ContactRecordRejection, message = `Invalid contact record: ${reason}`) {
    super(message)
    this.reason = reason
  }
}

/** No valid contact record was found for a peer (none stored, or all rejected). */
export class ContactRecordNotFoundError extends MurmurError {
  constructor (message = 'No valid contact record found') {
    super(message)
  }
}

/** A peer could not be located: not in the peer store, and the DHT did not find it in time. */
export class PeerNotFoundError extends MurmurError {
  constructor (message = 'Peer not found') {
    super(message)
  }
}

/** A peer ID or key is not Ed25519; murmur identities are Ed25519 only (DESIGN.md "Identity"). */
export class UnsupportedIdentityError extends MurmurError {
  constructor (message = 'Only Ed25519 identities are supported') {
    super(message)
  }
}
