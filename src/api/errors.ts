/**
 * Typed errors of the local control API (js-libp2p style: one class per failure, each with a
 * stable `name`). The server turns library errors into JSON-RPC errors; the client turns
 * JSON-RPC errors back into ApiRemoteError, carrying the library error's name.
 */

/** No node answers for this home: no api.address, or the connection is refused. */
export class NodeNotRunningError extends Error {
  static name = 'NodeNotRunningError'
  readonly home: string
  constructor (home: string) {
    super(`no murmur node is running for ${home}; start one with \`murmur start\``)
    this.name = 'NodeNotRunningError'
    this.home = home
  }
}

/** The API refused the bearer token (HTTP 401): api.token does not match the running node. */
export class ApiUnauthorizedError extends Error {
  static name = 'ApiUnauthorizedError'
  constructor (message = 'the local API refused the token in api.token (is another node using this home?)') {
    super(message)
    this.name = 'ApiUnauthorizedError'
  }
}

/** A call to the local API did not answer in time. */
export class ApiTimeoutError extends Error {
  static name = 'ApiTimeoutError'
  constructor (message = 'the murmur node did not answer in time') {
    super(message)
    this.name = 'ApiTimeoutError'
  }
}

/** The API answered with something that is not a JSON-RPC 2.0 response. */
export class ApiProtocolError extends Error {
  static name = 'ApiProtocolError'
  constructor (message: string) {
    super(message)
    this.name = 'ApiProtocolError'
  }
}

/** `--api` names a non-loopback host without `--api-allow-remote`, or cannot be parsed. */
export class InvalidApiAddressError extends Error {
  static name = 'InvalidApiAddressError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidApiAddressError'
  }
}

/** The params of a call do not match the method's schema (JSON-RPC -32602). */
export class InvalidParamsError extends Error {
  static name = 'InvalidParamsError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidParamsError'
  }
}

/** A JSON-RPC error answered by the node: `remoteName` is the library error's `name`. */
export class ApiRemoteError extends Error {
  static name = 'ApiRemoteError'
  readonly code: number
  readonly remoteName: string
  constructor (message: string, code: number, remoteName: string) {
    super(message)
    this.name = 'ApiRemoteError'
    this.code = code
    this.remoteName = remoteName
  }
}

/** `web.open` was called where no web app is served (a server without sign-in). */
export class WebAppUnavailableError extends Error {
  static name = 'WebAppUnavailableError'
  constructor (message = 'this API server does not serve the web app') {
    super(message)
    this.name = 'WebAppUnavailableError'
  }
}
