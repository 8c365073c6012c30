/**
 * Maps the library's typed errors (by `name`) to CLI exit codes, so a user error prints one
 * clear line and never a stack trace.
 */
import { CliError, ExitCode } from './output.js'
import type { ExitCodeValue } from './exit-codes.js'

const EXIT_CODE_BY_NAME: Record<string, ExitCodeValue> = {
  IdentityExistsError: ExitCode.CONFLICT,
  HomeInUseError: ExitCode.CONFLICT,
  UnsupportedSchemaVersionError: ExitCode.CONFLICT,
  IdentityNotFoundError: ExitCode.NOT_FOUND,
  InvalidIdentityFileError: ExitCode.USAGE,
  InvalidConfigError: ExitCode.USAGE,
  InvalidPeerIdError: ExitCode.USAGE
}

export function toCliError (err: unknown): CliError {
  if (err instanceof CliError) return err
  if (err instanceof Error) {
    const code = EXIT_CODE_BY_NAME[err.name]
    if (code !== undefined) return new CliError(err.message, code, { errorName: err.name })
    return new CliError(`internal error: ${err.message}`, ExitCode.INTERNAL, { errorName: err.name })
  }
  return new CliError(`internal error: ${String(err)}`, ExitCode.INTERNAL)
}
