/**
 * JSON-RPC error codes (docs/api.md "Errors"). The -32xxx codes below -32099 are JSON-RPC 2.0's
 * own; library errors get one stable code each in the server range (-32000..-32099), and
 * `data.name` always carries the error's `name` so clients can switch on it.
 */

export const RpcErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603
} as const

/**
 * Library error name -> JSON-RPC code. Input that can never be valid (bad text, bad name, bad
 * peer ID) is "invalid params" (-32602), as the brief asks for the 1 MiB text; the rest are
 * states of the node or the network.
 */
export const ERROR_CODE_BY_NAME: Readonly<Record<string, number>> = {
  InvalidParamsError: RpcErrorCode.INVALID_PARAMS,
  InvalidMessageTextError: RpcErrorCode.INVALID_PARAMS,
  InvalidContactNameError: RpcErrorCode.INVALID_PARAMS,
  InvalidPeerIdError: RpcErrorCode.INVALID_PARAMS,
  ContactNotFoundError: -32001,
  ContactExistsError: -32002,
  MessageNotFoundError: -32003,
  PeerUnreachableError: -32004,
  NotStartedError: -32005,
  HomeInUseError: -32006,
  UnsupportedSchemaVersionError: -32007,
  IdentityNotFoundError: -32008,
  // The relay library's errors (src/relay/errors.ts, docs/relay.md "Codes"). A relay answers
  // NOT_FOUND for anything unauthorized, so MailboxNotFoundError from `relays.add` means
  // "the relay does not trust you".
  MailboxNotFoundError: -32009,
  RelayRefusedError: -32010,
  MailboxQuotaError: -32011,
  EnvelopeTooLargeError: -32012,
  RelayRateLimitedError: -32013,
  RelayTimeoutError: -32014,
  RelayProtocolError: -32015,
  RelayNotFoundError: -32016,
  WebAppUnavailableError: -32017,
  MessageStateError: -32018,
  SelfMessageError: RpcErrorCode.INVALID_PARAMS,
  InvalidRelayError: -32602,
  // backup.create: an empty or non-UTF-8 passphrase can never be valid.
  InvalidPassphraseError: RpcErrorCode.INVALID_PARAMS
}

export function errorCodeFor (name: string): number {
  return ERROR_CODE_BY_NAME[name] ?? RpcErrorCode.INTERNAL_ERROR
}
