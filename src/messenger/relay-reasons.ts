/**
 * Why a relay did not take a message, in words for people (issue 11: "no relay took it:
 * AMCr68p7 23" showed a DOMException's numeric code). Stored in MessageView.relays[].reason.
 */
import type { RelayRefusalCode } from '../relay/errors.js'

const BY_CODE: Record<RelayRefusalCode, string> = {
  // A relay answers NOT_FOUND for anything unauthorized: no mailbox, not trusted, door closed.
  NOT_FOUND: 'refused: no mailbox there is open to you',
  QUOTA: 'mailbox full',
  TOO_LARGE: 'message too large',
  RATE_LIMITED: 'too many messages, try later',
  NONE_LEFT: 'no prekeys left',
  MALFORMED: 'refused the message as malformed',
  EXPIRED: 'message expired',
  INTERNAL: 'relay error'
}

const BY_NAME: Record<string, string> = {
  TimeoutError: 'did not answer in time',
  AbortError: 'did not answer in time',
  RelayTimeoutError: 'did not answer in time',
  RelayProtocolError: 'answered something murmur does not understand',
  PeerUnreachableError: 'unreachable',
  DialError: 'unreachable',
  NoValidAddressesError: 'unreachable: no address known',
  ConnectionFailedError: 'unreachable'
}

/** A relay's refusal or failure as a few words. */
export function relayFailureReason (err: unknown): string {
  const e = err as { name?: unknown, refusal?: unknown } | undefined
  if (typeof e?.refusal === 'string' && Object.hasOwn(BY_CODE, e.refusal)) return BY_CODE[e.refusal as RelayRefusalCode]
  const name = typeof e?.name === 'string' ? e.name : ''
  return BY_NAME[name] ?? 'unreachable'
}
