/** Hole punching could not produce a direct connection; `reason` says at which step. */
export class HolePunchFailedError extends Error {
  static override name = 'HolePunchFailedError'
  readonly reason: 'no-public-ip' | 'protocol' | 'dial'
  constructor (reason: HolePunchFailedError['reason'], message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'HolePunchFailedError'
    this.reason = reason
  }
}
