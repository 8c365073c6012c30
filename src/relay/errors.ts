/** Typed errors of the mailbox protocol (docs/relay.md, "Codes"). */

import { MurmurError } from '../errors/murmur-error.js'

/** The refusal codes of a MailboxResponse (src/wire/mailbox.proto), as text. */
export type RelayRefusalCode =
  | 'NOT_FOUND' | 'QUOTA' | 'TOO_LARGE' | 'RATE_LIMITED' | 'NONE_LEFT' | 'MALFORMED' | 'EXPIRED' | 'INTERNAL'

/**
 * The relay answered with a refusal. `refusal` says which (`code` is the JSON-RPC code, as on
 * every MurmurError); the subclasses below let callers
 * `instanceof` the common ones.
 */
export class RelayRefusedError extends MurmurError {
  readonly refusal: RelayRefusalCode
  constructor (refusal: RelayRefusalCode, message = '') {
    super(`Relay refused: ${refusal}${message === '' ? '' : ` (${message})`}`)
    this.refusal = refusal
  }
}

/** No such mailbox, or not allowed (deliberately the same answer). */
export class MailboxNotFoundError extends RelayRefusedError {
  constructor (message = '') {
    super('NOT_FOUND', message)
  }
}

/** The mailbox, door or forward queue is full. */
export class MailboxQuotaError extends RelayRefusedError {
  constructor (message = '') {
    super('QUOTA', message)
  }
}

/** The envelope is larger than MAX_ENVELOPE_BYTES. */
export class EnvelopeTooLargeError extends RelayRefusedError {
  constructor (message = '') {
    super('TOO_LARGE', message)
  }
}

/** Asked too often. */
export class RelayRateLimitedError extends RelayRefusedError {
  constructor (message = '') {
    super('RATE_LIMITED', message)
  }
}

/** The owner's one-time prekeys are used up. */
export class NoPrekeysLeftError extends RelayRefusedError {
  constructor (message = '') {
    super('NONE_LEFT', message)
  }
}

/** The peer's answer did not decode, broke a limit, or did not come before the stream ended. */
export class RelayProtocolError extends MurmurError {
  constructor (message = 'Invalid mailbox protocol message') {
    super(message)
  }
}

/** No answer within the timeout. */
export class RelayTimeoutError extends MurmurError {
  constructor (message = 'Timed out waiting for the relay') {
    super(message)
  }
}

/** An argument the caller gave breaks a protocol limit (checked before anything is sent). */
export class InvalidRelayRequestError extends MurmurError {
  constructor (message: string) {
    super(message)
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
