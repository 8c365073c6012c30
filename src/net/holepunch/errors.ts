import { MurmurError } from '../../errors/murmur-error.js'

/** Hole punching could not produce a direct connection; `reason` says at which step. */
export class HolePunchFailedError extends MurmurError {
  readonly reason: 'no-public-ip' | 'protocol' | 'dial'
  constructor (reason: HolePunchFailedError['reason'], message: string, options?: ErrorOptions) {
    super(message, options)
    this.reason = reason
  }
}
