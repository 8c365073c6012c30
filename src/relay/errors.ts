/** Typed errors of the mailbox protocol (docs/relay.md, "Codes"). */

/** The refusal codes of a MailboxResponse (src/wire/mailbox.proto), as text. */
export type RelayRefusalCode =
  | 'NOT_FOUND' | 'QUOTA' | 'TOO_LARGE' | 'RATE_LIMITED' | 'NONE_LEFT' | 'MALFORMED' | 'EXPIRED' | 'INTERNAL'

/**
 * The relay answered with a refusal. `code` says which; the subclasses below let callers
 * `instanceof` the common ones.
 */
export class RelayRefusedError extends Error {
  static override name = 'RelayRefusedError'
  readonly code: RelayRefusalCode
  constructor (code: RelayRefusalCode, message = '') {
    super(`Relay refused: ${code}${message === '' ? '' : ` (${message})`}`)
    this.name = 'RelayRefusedError'
    this.code = code
  }
}

/** No such mailbox, or not allowed (deliberately the same answer). */
export class MailboxNotFoundError extends RelayRefusedError {
  static override name = 'MailboxNotFoundError'
  constructor (message = '') {
    super('NOT_FOUND', message)
    this.name = 'MailboxNotFoundError'
  }
}

/** The mailbox, door or forward queue is full. */
export class MailboxQuotaError extends RelayRefusedError {
  static override name = 'MailboxQuotaError'
  constructor (message = '') {
    super('QUOTA', message)
    this.name = 'MailboxQuotaError'
  }
}

/** The envelope is larger than MAX_ENVELOPE_BYTES. */
export class EnvelopeTooLargeError extends RelayRefusedError {
  static override name = 'EnvelopeTooLargeError'
  constructor (message = '') {
    super('TOO_LARGE', message)
    this.name = 'EnvelopeTooLargeError'
  }
}

/** Asked too often. */
export class RelayRateLimitedError extends RelayRefusedError {
  static override name = 'RelayRateLimitedError'
  constructor (message = '') {
    super('RATE_LIMITED', message)
    this.name = 'RelayRateLimitedError'
  }
}

/** The owner's one-time prekeys are used up. */
export class NoPrekeysLeftError extends RelayRefusedError {
  static override name = 'NoPrekeysLeftError'
  constructor (message = '') {
    super('NONE_LEFT', message)
    this.name = 'NoPrekeysLeftError'
  }
}

/** The peer's answer did not decode, broke a limit, or did not come before the stream ended. */
export class RelayProtocolError extends Error {
  static override name = 'RelayProtocolError'
  constructor (message = 'Invalid mailbox protocol message') {
    super(message)
    this.name = 'RelayProtocolError'
  }
}

/** No answer within the timeout. */
export class RelayTimeoutError extends Error {
  static override name = 'RelayTimeoutError'
  constructor (message = 'Timed out waiting for the relay') {
    super(message)
    this.name = 'RelayTimeoutError'
  }
}

/** An argument the caller gave breaks a protocol limit (checked before anything is sent). */
export class InvalidRelayRequestError extends Error {
  static override name = 'InvalidRelayRequestError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidRelayRequestError'
  }
}

/** The refusal error for a code. */
export function refusalError (code: RelayRefusalCode, message = ''): RelayRefusedError {
  switch (code) {
    case 'NOT_FOUND': return new MailboxNotFoundError(message)
    case 'QUOTA': return new MailboxQuotaError(message)
    case 'TOO_LARGE': return new EnvelopeTooLargeError(message)
    case 'RATE_LIMITED': return new RelayRateLimitedError(message)
    case 'NONE_LEFT': return new NoPrekeysLeftError(message)
    default: return new RelayRefusedError(code, message)
  }
}
