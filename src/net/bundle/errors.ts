/** Typed errors of the bundle service (docs/protocol.md part 6, "bundle"). */

/** The error codes of a BundleResponse.Error (src/wire/bundle.proto), without CODE_UNSPECIFIED. */
export type BundleErrorCode = 'RATE_LIMITED' | 'UNAVAILABLE' | 'MALFORMED' | 'INTERNAL'

/** The server refused: the requester asked too often. Retry after the window. */
export class BundleRateLimitedError extends Error {
  static override name = 'BundleRateLimitedError'
  readonly code = 'RATE_LIMITED'
  constructor (message = 'Bundle request rate limited by the peer') {
    super(message)
    this.name = 'BundleRateLimitedError'
  }
}

/** The server answered an error other than RATE_LIMITED. */
export class BundleRefusedError extends Error {
  static override name = 'BundleRefusedError'
  readonly code: BundleErrorCode
  constructor (code: BundleErrorCode, message: string) {
    super(`Bundle refused by peer: ${code}${message === '' ? '' : ` (${message})`}`)
    this.name = 'BundleRefusedError'
    this.code = code
  }
}

/** The response announced more than MAX_BUNDLE_RESPONSE_BYTES. */
export class BundleTooLargeError extends Error {
  static override name = 'BundleTooLargeError'
  constructor (message = 'Bundle response too large') {
    super(message)
    this.name = 'BundleTooLargeError'
  }
}

/** No complete answer within the timeout. */
export class BundleTimeoutError extends Error {
  static override name = 'BundleTimeoutError'
  constructor (message = 'Timed out fetching the bundle') {
    super(message)
    this.name = 'BundleTimeoutError'
  }
}

/** The server's answer did not decode, was empty, or never came before the stream ended. */
export class BundleProtocolError extends Error {
  static override name = 'BundleProtocolError'
  constructor (message = 'Invalid bundle response') {
    super(message)
    this.name = 'BundleProtocolError'
  }
}

/** Thrown by an application's provider when it has no bundle to give; answered UNAVAILABLE. */
export class BundleUnavailableError extends Error {
  static override name = 'BundleUnavailableError'
  constructor (message = 'No bundle available') {
    super(message)
    this.name = 'BundleUnavailableError'
  }
}
