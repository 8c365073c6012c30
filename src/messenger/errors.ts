/**
 * Typed errors of the messenger (the application layer). The CLI and the local API map them
 * by `name` to exit codes and JSON-RPC errors.
 */
import { MurmurError } from '../errors/murmur-error.js'

export class ContactNotFoundError extends MurmurError {
  constructor (message = 'no such contact') {
    super(message)
  }
}

export class ContactExistsError extends MurmurError {
  constructor (message = 'a contact with that name or peer ID already exists') {
    super(message)
  }
}

/** A contact name that cannot be used (empty, too long, or shaped like a peer ID). */
export class InvalidContactNameError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** The text of a message is empty or over MAX_TEXT_BYTES. */
export class InvalidMessageTextError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

export class MessageNotFoundError extends MurmurError {
  constructor (message = 'no such message') {
    super(message)
  }
}

/** The peer could not be found or reached, and no session exists to queue for it. */
export class PeerUnreachableError extends MurmurError {
  constructor (message = 'peer unreachable') {
    super(message)
  }
}

/** The messenger was used before start() or after stop(). */
export class NotStartedError extends MurmurError {
  constructor (message = 'the murmur node is not running') {
    super(message)
  }
}

/** The peer is not one of our relays (relays remove), or not trusted (trust remove). */
export class RelayNotFoundError extends MurmurError {
  constructor (message = 'not one of your relays') {
    super(message)
  }
}

/** A relay that cannot be used as one: ourselves. */
export class InvalidRelayError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A listen address is taken by another program (often a second node with the default ports). */
export class ListenAddressInUseError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A listen address is not a multiaddr murmur can listen on. */
export class InvalidListenAddressError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A message addressed to this node itself (it would wait in the outbox forever), or a block of it. */
export class SelfMessageError extends MurmurError {
  constructor (message = 'that is your own peer ID: murmur does not send messages to yourself') {
    super(message)
  }
}

/**
 * The message's state does not allow what was asked: cancel a message that has left (a relay
 * or the recipient holds it), resend one that is not failed or expired.
 */
export class MessageStateError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A message to a peer blocked here (blocks.ts): nothing goes to it until it is unblocked. */
export class PeerBlockedError extends MurmurError {
  constructor (message = 'you blocked this peer: unblock it (`murmur unblock`) to send it messages') {
    super(message)
  }
}

/** `unblock` of a peer that is not blocked. */
export class PeerNotBlockedError extends MurmurError {
  constructor (message = 'that peer is not blocked') {
    super(message)
  }
}
