/**
 * Typed errors of the local control API (js-libp2p style: one class per failure, each with a
 * stable `name`). The server turns library errors into JSON-RPC errors; the client turns
 * JSON-RPC errors back into ApiRemoteError, carrying the library error's name.
 */
import { MurmurError } from '../errors/murmur-error.js'

/** No node answers for this home: no api.address, or the connection is refused. */
export class NodeNotRunningError extends MurmurError {
  readonly home: string
  constructor (home: string) {
    super(`no murmur node is running for ${home}; start one with \`murmur start\``)
    this.home = home
  }
}

/** The API refused the bearer token (HTTP 401): api.token does not match the running node. */
export class ApiUnauthorizedError extends MurmurError {
  constructor (message = 'the local API refused the token in api.token (is another node using this home?)') {
    super(message)
  }
}

/** A call to the local API did not answer in time. */
export class ApiTimeoutError extends MurmurError {
  constructor (message = 'the murmur node did not answer in time') {
    super(message)
  }
}

/** The API answered with something that is not a JSON-RPC 2.0 response. */
export class ApiProtocolError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** `--api` names a non-loopback host without `--api-allow-remote`, or cannot be parsed. */
export class InvalidApiAddressError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** The params of a call do not match the method's schema (JSON-RPC -32602). */
export class InvalidParamsError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

/** A JSON-RPC error answered by the node: `remoteName` is the library error's `name`. */
export class ApiRemoteError extends MurmurError {
  readonly code: number
  readonly remoteName: string
  constructor (message: string, code: number, remoteName: string) {
    super(message)
    this.code = code
    this.remoteName = remoteName
  }
}

/** `web.open` was called where no web app is served (a server without sign-in). */
export class WebAppUnavailableError extends MurmurError {
  constructor (message = 'this API server does not serve the web app') {
    super(message)
  }
}
