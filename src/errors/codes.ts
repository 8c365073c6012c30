/**
 * THE table of murmur's typed errors: each error `name` with its CLI exit code
 * (exit-codes.ts, docs/cli.md "Exit codes") and, when the local API can return it, its
 * JSON-RPC error code (docs/api.md "Errors"). The CLI, the API server and the docs all read
 * this one table (test/errors/codes.test.ts checks the docs' tables against it).
 *
 * JSON-RPC codes: the -32xxx codes below -32099 are JSON-RPC 2.0's own; library errors get
 * one stable code each in the server range (-32000..-32099). Input that can never be valid
 * (bad text, bad name, bad peer ID) is "invalid params" (-32602); the rest are states of the
 * node or the network. A name without an `rpc` code is an internal error (-32603) on the API.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes.js'

export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603
} as const

export interface ErrorCodes {
  /** The CLI's exit code. */
  readonly exit: ExitCodeValue
  /** The JSON-RPC error code, for errors the local API returns as themselves. */
  readonly rpc?: number
}

const { INVALID_PARAMS } = RpcErrorCode

export const ERROR_CODES: Readonly<Record<string, ErrorCodes>> = {
  // Input that can never be valid.
  InvalidParamsError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  InvalidMessageTextError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  InvalidContactNameError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  InvalidPeerIdError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  SelfMessageError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  InvalidRelayError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  // backup.create: an empty or non-UTF-8 passphrase can never be valid.
  InvalidPassphraseError: { exit: ExitCode.USAGE, rpc: INVALID_PARAMS },
  InvalidIdentityFileError: { exit: ExitCode.USAGE },
  InvalidConfigError: { exit: ExitCode.USAGE },
  InvalidListenAddressError: { exit: ExitCode.USAGE },
  InvalidApiAddressError: { exit: ExitCode.USAGE },
  // The messenger (src/messenger/errors.ts) and the home (src/store, src/messenger).
  ContactNotFoundError: { exit: ExitCode.NOT_FOUND, rpc: -32001 },
  ContactExistsError: { exit: ExitCode.CONFLICT, rpc: -32002 },
  MessageNotFoundError: { exit: ExitCode.NOT_FOUND, rpc: -32003 },
  PeerUnreachableError: { exit: ExitCode.NETWORK, rpc: -32004 },
  NotStartedError: { exit: ExitCode.NOT_RUNNING, rpc: -32005 },
  HomeInUseError: { exit: ExitCode.CONFLICT, rpc: -32006 },
  UnsupportedSchemaVersionError: { exit: ExitCode.CONFLICT, rpc: -32007 },
  IdentityNotFoundError: { exit: ExitCode.NOT_FOUND, rpc: -32008 },
  RelayNotFoundError: { exit: ExitCode.NOT_FOUND, rpc: -32016 },
  WebAppUnavailableError: { exit: ExitCode.NOT_FOUND, rpc: -32017 },
  MessageStateError: { exit: ExitCode.CONFLICT, rpc: -32018 },
  // `lookup` (src/messenger/lookup.ts): the DHTs hold no contact record of the peer.
  ContactRecordNotFoundError: { exit: ExitCode.NOT_FOUND, rpc: -32019 },
  // A write found the home's disk full (src/store/errors.ts): a home that cannot be used, as now.
  HomeDiskFullError: { exit: ExitCode.USAGE, rpc: -32020 },
  // Blocking (src/messenger/blocks.ts): a send to a peer blocked here; an unblock of one that is not.
  PeerBlockedError: { exit: ExitCode.CONFLICT, rpc: -32021 },
  PeerNotBlockedError: { exit: ExitCode.NOT_FOUND, rpc: -32022 },
  PeerNotFoundError: { exit: ExitCode.NETWORK },
  IdentityExistsError: { exit: ExitCode.CONFLICT },
  HomeNotEmptyError: { exit: ExitCode.CONFLICT },
  ListenAddressInUseError: { exit: ExitCode.CONFLICT },
  StoreMigrationRequiredError: { exit: ExitCode.CONFLICT },
  // The relay library's errors (src/relay/errors.ts, docs/relay.md "Codes"): a refusal is
  // REFUSED, a relay that does not answer (or answers garbage) is NETWORK. A relay answers
  // NOT_FOUND for anything unauthorized, so MailboxNotFoundError from `relays.add` means
  // "the relay does not trust you".
  MailboxNotFoundError: { exit: ExitCode.REFUSED, rpc: -32009 },
  RelayRefusedError: { exit: ExitCode.REFUSED, rpc: -32010 },
  MailboxQuotaError: { exit: ExitCode.REFUSED, rpc: -32011 },
  EnvelopeTooLargeError: { exit: ExitCode.REFUSED, rpc: -32012 },
  RelayRateLimitedError: { exit: ExitCode.REFUSED, rpc: -32013 },
  RelayTimeoutError: { exit: ExitCode.NETWORK, rpc: -32014 },
  RelayProtocolError: { exit: ExitCode.NETWORK, rpc: -32015 },
  NoPrekeysLeftError: { exit: ExitCode.REFUSED },
  // Encryption at rest and backups (src/store/errors.ts, src/store/backup).
  WrongPassphraseError: { exit: ExitCode.PASSPHRASE },
  PassphraseRequiredError: { exit: ExitCode.PASSPHRASE },
  StoreEncryptionMismatchError: { exit: ExitCode.PASSPHRASE },
  InvalidKdfParamsError: { exit: ExitCode.BAD_FILE },
  BackupCorruptError: { exit: ExitCode.BAD_FILE },
  UnsupportedBackupVersionError: { exit: ExitCode.BAD_FILE },
  // A backup file's path that cannot be written or read: an argument that cannot be used.
  BackupFileError: { exit: ExitCode.USAGE },
  // The local API's own errors (src/api/errors.ts), seen by its client.
  NodeNotRunningError: { exit: ExitCode.NOT_RUNNING },
  ApiUnauthorizedError: { exit: ExitCode.NOT_RUNNING },
  ApiTimeoutError: { exit: ExitCode.NETWORK },
  ApiProtocolError: { exit: ExitCode.INTERNAL }
}

/** The JSON-RPC code the API returns an error of this name under, if it returns it as itself. */
export function rpcCodeOf (name: string): number | undefined {
  return Object.hasOwn(ERROR_CODES, name) ? ERROR_CODES[name].rpc : undefined
}

/** The JSON-RPC code of an error of this name: its own, else -32603 (internal error). */
export function rpcCodeFor (name: string): number {
  return rpcCodeOf(name) ?? RpcErrorCode.INTERNAL_ERROR
}

/** The CLI exit code of an error of this name, if it has one (else the CLI reports INTERNAL). */
export function exitCodeOf (name: string): ExitCodeValue | undefined {
  return Object.hasOwn(ERROR_CODES, name) ? ERROR_CODES[name].exit : undefined
}
