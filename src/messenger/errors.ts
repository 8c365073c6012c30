/**
 * Typed errors of the messenger (the application layer). The CLI and the local API map them
 * by `name` to exit codes and JSON-RPC errors.
 */

export class ContactNotFoundError extends Error {
  static name = 'ContactNotFoundError'
  constructor (message = 'no such contact') {
    super(message)
    this.name = 'ContactNotFoundError'
  }
}

export class ContactExistsError extends Error {
  static name = 'ContactExistsError'
  constructor (message = 'a contact with that name or peer ID already exists') {
    super(message)
    this.name = 'ContactExistsError'
  }
}

/** A contact name that cannot be used (empty, too long, or shaped like a peer ID). */
export class InvalidContactNameError extends Error {
  static name = 'InvalidContactNameError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidContactNameError'
  }
}

/** The text of a message is empty or over MAX_TEXT_BYTES. */
export class InvalidMessageTextError extends Error {
  static name = 'InvalidMessageTextError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidMessageTextError'
  }
}

export class MessageNotFoundError extends Error {
  static name = 'MessageNotFoundError'
  constructor (message = 'no such message') {
    super(message)
    this.name = 'MessageNotFoundError'
  }
}

/** The peer could not be found or reached, and no session exists to queue for it. */
export class PeerUnreachableError extends Error {
  static name = 'PeerUnreachableError'
  constructor (message = 'peer unreachable') {
    super(message)
    this.name = 'PeerUnreachableError'
  }
}

/** The messenger was used before start() or after stop(). */
export class NotStartedError extends Error {
  static name = 'NotStartedError'
  constructor (message = 'the murmur node is not running') {
    super(message)
    this.name = 'NotStartedError'
  }
}

/** The peer is not one of our relays (relays remove), or not trusted (trust remove). */
export class RelayNotFoundError extends Error {
  static name = 'RelayNotFoundError'
  constructor (message = 'not one of your relays') {
    super(message)
    this.name = 'RelayNotFoundError'
  }
}

/** A relay that cannot be used as one: ourselves. */
export class InvalidRelayError extends Error {
  static name = 'InvalidRelayError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidRelayError'
  }
}

/** A listen address is taken by another program (often a second node with the default ports). */
export class ListenAddressInUseError extends Error {
  static name = 'ListenAddressInUseError'
  constructor (message: string) {
    super(message)
    this.name = 'ListenAddressInUseError'
  }
}

/** A listen address is not a multiaddr murmur can listen on. */
export class InvalidListenAddressError extends Error {
  static name = 'InvalidListenAddressError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidListenAddressError'
  }
}

/** A message addressed to this node itself: it would wait in the outbox forever. */
export class SelfMessageError extends Error {
  static name = 'SelfMessageError'
  constructor (message = 'that is your own peer ID: murmur does not send messages to yourself') {
    super(message)
    this.name = 'SelfMessageError'
  }
}

/**
 * The message's state does not allow what was asked: cancel a message that has left (a relay
 * or the recipient holds it), resend one that is not failed or expired.
 */
export class MessageStateError extends Error {
  static name = 'MessageStateError'
  constructor (message: string) {
    super(message)
    this.name = 'MessageStateError'
  }
}
