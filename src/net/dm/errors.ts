/**
 * Typed errors of the dm service (docs/protocol.md part 6, "dm"), in the js-libp2p style:
 * one class per failure with a stable `name`.
 */

import { MurmurError } from '../../errors/murmur-error.js'

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

/** The receiver answered an error frame for this envelope; `refusal` says why (`code` is the JSON-RPC code, as on every MurmurError). */
export class DmRefusedError extends MurmurError {
  readonly refusal: DmErrorCode
  constructor (refusal: DmErrorCode, message: string) {
    super(`Envelope refused by peer: ${refusal}${message === '' ? '' : ` (${message})`}`)
    this.refusal = refusal
  }
}

/** No ack arrived within the send timeout (stream opening included). */
export class DmTimeoutError extends MurmurError {
  constructor (message = 'Timed out waiting for the dm acknowledgement') {
    super(message)
  }
}

/**
 * The stream closed or was reset while the envelope was in flight. The receiver may or may not
 * have stored it; the caller retries the same bytes later and the receiver deduplicates.
 */
export class DmStreamClosedError extends MurmurError {
  constructor (message = 'The dm stream closed with the envelope in flight', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The envelope given to send() cannot be sent: it does not decode, or breaks a limit. */
export class InvalidEnvelopeError extends MurmurError {
  constructor (message = 'Invalid envelope') {
    super(message)
  }
}

/** A length prefix announced a frame larger than the limit (framing is lost after this). */
export { FrameTooLargeError } from '../frame-reader.js'

/** The dm service is not started. */
export class DmNotStartedError extends MurmurError {
  constructor (message = 'The dm service is not started') {
    super(message)
  }
}
