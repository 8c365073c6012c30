/**
 * Maps the library's typed errors (by `name`) to CLI exit codes, so a user error prints one
 * clear line and never a stack trace.
 */
import { ApiRemoteError } from '../src/api/errors.js'
import { CliError, ExitCode } from './output.js'
import type { ExitCodeValue } from './exit-codes.js'

const EXIT_CODE_BY_NAME: Record<string, ExitCodeValue> = {
  IdentityExistsError: ExitCode.CONFLICT,
  HomeNotEmptyError: ExitCode.CONFLICT,
  HomeInUseError: ExitCode.CONFLICT,
  UnsupportedSchemaVersionError: ExitCode.CONFLICT,
  IdentityNotFoundError: ExitCode.NOT_FOUND,
  InvalidIdentityFileError: ExitCode.USAGE,
  InvalidConfigError: ExitCode.USAGE,
  InvalidPeerIdError: ExitCode.USAGE,
  // Encryption at rest and backups (src/store/errors.ts, src/store/backup).
  WrongPassphraseError: ExitCode.PASSPHRASE,
  PassphraseRequiredError: ExitCode.PASSPHRASE,
  StoreEncryptionMismatchError: ExitCode.PASSPHRASE,
  InvalidPassphraseError: ExitCode.USAGE,
  InvalidKdfParamsError: ExitCode.BAD_FILE,
  BackupCorruptError: ExitCode.BAD_FILE,
  UnsupportedBackupVersionError: ExitCode.BAD_FILE,
  StoreMigrationRequiredError: ExitCode.CONFLICT,
  // The messenger's errors, as thrown by the library or reported by the node's API.
  ContactNotFoundError: ExitCode.NOT_FOUND,
  ContactExistsError: ExitCode.CONFLICT,
  InvalidContactNameError: ExitCode.USAGE,
  InvalidMessageTextError: ExitCode.USAGE,
  MessageNotFoundError: ExitCode.NOT_FOUND,
  MessageStateError: ExitCode.CONFLICT,
  SelfMessageError: ExitCode.USAGE,
  PeerUnreachableError: ExitCode.NETWORK,
  PeerNotFoundError: ExitCode.NETWORK,
  ListenAddressInUseError: ExitCode.CONFLICT,
  InvalidListenAddressError: ExitCode.USAGE,
  NotStartedError: ExitCode.NOT_RUNNING,
  RelayNotFoundError: ExitCode.NOT_FOUND,
  InvalidRelayError: ExitCode.USAGE,
  // Relay refusals (src/relay/errors.ts): the relay said no; timeouts and bad answers are network.
  MailboxNotFoundError: ExitCode.REFUSED,
  RelayRefusedError: ExitCode.REFUSED,
  MailboxQuotaError: ExitCode.REFUSED,
  EnvelopeTooLargeError: ExitCode.REFUSED,
  RelayRateLimitedError: ExitCode.REFUSED,
  NoPrekeysLeftError: ExitCode.REFUSED,
  RelayTimeoutError: ExitCode.NETWORK,
  RelayProtocolError: ExitCode.NETWORK,
  // The local API's own errors (src/api/errors.ts).
  NodeNotRunningError: ExitCode.NOT_RUNNING,
  ApiUnauthorizedError: ExitCode.NOT_RUNNING,
  ApiTimeoutError: ExitCode.NETWORK,
  ApiProtocolError: ExitCode.INTERNAL,
  InvalidApiAddressError: ExitCode.USAGE,
  InvalidParamsError: ExitCode.USAGE,
  // `murmur open` against a server without the web app (not `murmur start`'s): not found.
  WebAppUnavailableError: ExitCode.NOT_FOUND
}

export function toCliError (err: unknown): CliError {
  if (err instanceof CliError) return err
  if (err instanceof ApiRemoteError) {
    // The node reported a library error: map it by the library error's name.
    const code = EXIT_CODE_BY_NAME[err.remoteName]
    if (code !== undefined) return new CliError(err.message, code, { errorName: err.remoteName })
    return new CliError(err.message.startsWith('internal error') ? err.message : `internal error: ${err.message}`, ExitCode.INTERNAL, { errorName: err.remoteName })
  }
  if (err instanceof Error) {
    const code = EXIT_CODE_BY_NAME[err.name]
    if (code !== undefined) return new CliError(err.message, code, { errorName: err.name })
    return new CliError(`internal error: ${err.message}`, ExitCode.INTERNAL, { errorName: err.name })
  }
  return new CliError(`internal error: ${String(err)}`, ExitCode.INTERNAL)
}
