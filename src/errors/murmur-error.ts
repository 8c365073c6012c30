/**
 * The base of murmur's typed errors (js-libp2p style: one class per failure). `name` is the
 * class's own name, stable, and what callers, the CLI and the API switch on; `code` is the
 * error's JSON-RPC code from the one table (codes.ts): its own when the API returns it as
 * itself, else -32603. A subclass is just its constructor:
 *
 *   export class ContactNotFoundError extends MurmurError {
 *     constructor (message = 'no such contact') { super(message) }
 *   }
 */
import { rpcCodeFor } from './codes.js'

export class MurmurError extends Error {
  /** The JSON-RPC error code of this error's name (docs/api.md "Errors"). */
  readonly code: number

  constructor (message?: string, options?: ErrorOptions) {
    super(message, options)
    // new.target is the class constructed, so every subclass is named after itself.
    this.name = new.target.name
    this.code = rpcCodeFor(this.name)
  }
}
