/**
 * Output helpers: text for people, or stable JSON with `--json`. Errors go to stderr as one
 * line (`murmur: <message>`), or as `{"error":{"name","message","exitCode"}}` with `--json`.
 */
import { MurmurError } from '../src/errors/murmur-error.js'
import { ExitCode, type ExitCodeValue } from '../src/errors/exit-codes.js'

/** An error the CLI reports without a stack trace, with its exit code. */
export class CliError extends MurmurError {
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  /** The `name` of the library error this reports (stable, for scripts), else 'CliError'. */
  readonly errorName: string
  constructor (message: string, exitCode: ExitCodeValue, options: { hint?: string, errorName?: string } = {}) {
    super(message)
    this.exitCode = exitCode
    this.errorName = options.errorName ?? 'CliError'
    if (options.hint !== undefined) this.hint = options.hint
  }
}

export interface OutputOptions {
  json?: boolean
}

export function print (options: OutputOptions, json: unknown, text: () => string): void {
  if (options.json === true) {
    process.stdout.write(JSON.stringify(json) + '\n')
  } else {
    const out = text()
    if (out !== '') process.stdout.write(out.endsWith('\n') ? out : out + '\n')
  }
}

export function printError (options: OutputOptions, err: CliError): void {
  if (options.json === true) {
    process.stderr.write(JSON.stringify({ error: { name: err.errorName, message: err.message, exitCode: err.exitCode, ...(err.hint !== undefined ? { hint: err.hint } : {}) } }) + '\n')
  } else {
    process.stderr.write(`murmur: ${err.message}\n`)
    if (err.hint !== undefined) process.stderr.write(`${err.hint}\n`)
  }
}

export { ExitCode }
