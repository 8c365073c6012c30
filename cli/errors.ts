/**
 * Maps the library's typed errors (by `name`, through the one table in src/errors/codes.ts)
 * to CLI exit codes, so a user error prints one clear line and never a stack trace.
 */
import { ApiRemoteError } from '../src/api/errors.js'
import { exitCodeOf } from '../src/errors/index.js'
import { CliError, ExitCode } from './output.js'

export function toCliError (err: unknown): CliError {
  if (err instanceof CliError) return err
  if (err instanceof ApiRemoteError) {
    // The node reported a library error: map it by the library error's name.
    const code = exitCodeOf(err.remoteName)
    if (code !== undefined) return new CliError(err.message, code, { errorName: err.remoteName })
    return new CliError(err.message.startsWith('internal error') ? err.message : `internal error: ${err.message}`, ExitCode.INTERNAL, { errorName: err.remoteName })
  }
  if (err instanceof Error) {
    const code = exitCodeOf(err.name)
    if (code !== undefined) return new CliError(err.message, code, { errorName: err.name })
    return new CliError(`internal error: ${err.message}`, ExitCode.INTERNAL, { errorName: err.name })
  }
  return new CliError(`internal error: ${String(err)}`, ExitCode.INTERNAL)
}
