/**
 * Typed errors of the NAT testbed (test/nat): one class per failure, each with a stable `name`.
 */

/** The machine cannot host the testbed: not root, or `ip netns` / `nft` missing. */
export class TestbedUnsupportedError extends Error {
  static override name = 'TestbedUnsupportedError'
  constructor (message: string) {
    super(message)
    this.name = 'TestbedUnsupportedError'
  }
}

/** Options that describe no valid topology (unknown mapping, too many public hosts, ...). */
export class InvalidTestbedOptionsError extends Error {
  static override name = 'InvalidTestbedOptionsError'
  constructor (message: string) {
    super(message)
    this.name = 'InvalidTestbedOptionsError'
  }
}

/** A host name that this testbed's topology does not have. */
export class UnknownTestbedHostError extends Error {
  static override name = 'UnknownTestbedHostError'
  readonly host: string
  constructor (host: string, known: readonly string[]) {
    super(`No host "${host}" in this testbed (it has: ${known.join(', ')})`)
    this.name = 'UnknownTestbedHostError'
    this.host = host
  }
}

/** The testbed was used after `teardown()`. */
export class TestbedClosedError extends Error {
  static override name = 'TestbedClosedError'
  constructor (message = 'The testbed has been torn down') {
    super(message)
    this.name = 'TestbedClosedError'
  }
}

/** A command exited with a non-zero status or was killed by a signal. */
export class TestbedCommandError extends Error {
  static override name = 'TestbedCommandError'
  readonly command: string
  readonly args: readonly string[]
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  constructor (command: string, args: readonly string[], result: { exitCode: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }) {
    const status = result.signal != null ? `signal ${result.signal}` : `exit code ${String(result.exitCode)}`
    super(`${command} ${args.join(' ')} failed (${status}): ${result.stderr.trim().slice(0, 2000)}`)
    this.name = 'TestbedCommandError'
    this.command = command
    this.args = args
    this.exitCode = result.exitCode
    this.signal = result.signal
    this.stdout = result.stdout
    this.stderr = result.stderr
  }
}

/** A command did not finish within its time limit; it was killed. */
export class TestbedTimeoutError extends Error {
  static override name = 'TestbedTimeoutError'
  readonly command: string
  readonly args: readonly string[]
  readonly timeoutMs: number
  readonly stdout: string
  readonly stderr: string
  constructor (command: string, args: readonly string[], timeoutMs: number, output: { stdout: string, stderr: string }) {
    super(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`)
    this.name = 'TestbedTimeoutError'
    this.command = command
    this.args = args
    this.timeoutMs = timeoutMs
    this.stdout = output.stdout
    this.stderr = output.stderr
  }
}
