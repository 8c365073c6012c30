/**
 * Typed errors of the dm service (docs/protocol.md part 6, "dm"), in the js-libp2p style:
 * one class per failure with a stable `name`.
 */

/** The error codes of a DmFrame.Error (src/wire/dm.proto), without CODE_UNSPECIFIED. */
export type DmErrorCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'SENDER_MISMATCH'
  | 'RECIPIENT_MISMATCH'
  | 'UNDECRYPTABLE'
  | 'UNSUPPORTED'
  | 'INTERNAL'

export const DM_ERROR_CODES: readonly DmErrorCode[] = Object.freeze([
  'MALFORMED', 'TOO_LARGE', 'SENDER_MISMATCH', 'RECIPIENT_MISMATCH', 'UNDECRYPTABLE', 'UNSUPPORTED', 'INTERNAL'
])

/** The receiver answered an error frame for this envelope; `code` says why. */
export class DmRefusedError extends Error {
  static override name = 'DmRefusedError'
  readonly code: DmErrorCode
  constructor (code: DmErrorCode, message: string) {
    super(`Envelope refused by peer: ${code}${message === '' ? '' : ` (${message})`}`)
    this.name = 'DmRefusedError'
    this.code = code
  }
}

/** No ack arrived within the send timeout (stream opening included). */
export class DmTimeoutError extends Error {
  static override name = 'DmTimeoutError'
  constructor (message = 'Timed out waiting for the dm acknowledgement') {
    super(message)
    this.name = 'DmTimeoutError'
  }
}

/**
 * The stream closed or was reset while the envelope was in flight. The receiver may or may not
 * have stored it; the caller retries the same bytes later and the receiver deduplicates.
 */
export class DmStreamClosedError extends Error {
  static override name = 'DmStreamClosedError'
  constructor (message = 'The dm stream closed with the envelope in flight', options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DmStreamClosedError'
  }
}

/** The envelope given to send() cannot be sent: it does not decode, or breaks a limit. */
export class InvalidEnvelopeError extends Error {
  static override name = 'InvalidEnvelopeError'
  constructor (message = 'Invalid envelope') {
    super(message)
    this.name = 'InvalidEnvelopeError'
  }
}

/** A length prefix announced a frame larger than the limit (framing is lost after this). */
export class FrameTooLargeError extends Error {
  static override name = 'FrameTooLargeError'
  constructor (message = 'Frame too large') {
    super(message)
    this.name = 'FrameTooLargeError'
  }
}

/** The dm service is not started. */
export class DmNotStartedError extends Error {
  static override name = 'DmNotStartedError'
  constructor (message = 'The dm service is not started') {
    super(message)
    this.name = 'DmNotStartedError'
  }
}
