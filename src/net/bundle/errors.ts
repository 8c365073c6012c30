/** Typed errors of the bundle service (docs/protocol.md part 6, "bundle"). */

import { MurmurError } from '../../errors/murmur-error.js'

/** The error codes of a BundleResponse.Error (src/wire/bundle.proto), without CODE_UNSPECIFIED. */
export type BundleErrorCode = 'RATE_LIMITED' | 'UNAVAILABLE' | 'MALFORMED' | 'INTERNAL'

/** The server refused: the requester asked too often. Retry after the window. */
export class BundleRateLimitedError extends MurmurError {
  readonly refusal = 'RATE_LIMITED'
  constructor (message = 'Bundle request rate limited by the peer') {
    super(message)
  }
}

/** The server answered an error other than RATE_LIMITED. */
export class BundleRefusedError extends MurmurError {
  readonly refusal: BundleErrorCode
  constructor (refusal: BundleErrorCode, message: string) {
    super(`Bundle refused by peer: ${refusal}${message === '' ? '' : ` (${message})`}`)
    this.refusal = refusal
  }
}

/** The response announced more than MAX_BUNDLE_RESPONSE_BYTES. */
export class BundleTooLargeError extends MurmurError {
  constructor (message = 'Bundle response too large') {
    super(message)
  }
}

/** No complete answer within the timeout. */
export class BundleTimeoutError extends MurmurError {
  constructor (message = 'Timed out fetching the bundle') {
    super(message)
  }
}

/** The server's answer did not decode, was empty, or never came before the stream ended. */
export class BundleProtocolError extends MurmurError {
  constructor (message = 'Invalid bundle response') {
    super(message)
  }
}

/** Thrown by an application's provider when it has no bundle to give; answered UNAVAILABLE. */
export class BundleUnavailableError extends MurmurError {
  constructor (message = 'No bundle available') {
    super(message)
  }
}
