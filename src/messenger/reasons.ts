/**
 * Why a message is still queued, in words for people (docs/messaging.md "States"): what the
 * last direct attempt ran into, and what the relays said. Shown by `murmur status`, kept in
 * the message's history entry (`history --json`) and sent with its 'message:state' event.
 * Never numeric codes of other libraries.
 */
import type { RelayDelivery } from './types.js'

/** The direct path's failure, from the error the transport threw. */
export function directFailureReason (err: unknown): string {
  const e = err as { name?: string, message?: string, code?: string } | undefined
  switch (e?.name) {
    case 'PeerNotFoundError':
      return 'contact not found: neither its contact record nor the DHT answered (is its node running?)'
    case 'PeerUnreachableError':
      return e.message ?? 'no address of the contact answered'
    case 'DmTimeoutError':
      return 'the contact did not acknowledge in time'
    case 'DmStreamClosedError':
      return 'the connection to the contact closed before it acknowledged'
    case 'TimeoutError':
    case 'AbortError':
      return 'no answer from the contact in time'
    case 'DialError':
    case 'ConnectionFailedError':
      return 'no address of the contact answered'
    default:
      return e?.message != null && e.message !== '' ? e.message : 'the contact could not be reached'
  }
}

/** What a relay's refusal code means. */
const REFUSAL_WORDS: Record<string, string> = {
  QUOTA: 'its mailbox is full',
  TOO_LARGE: 'the message is too large for it',
  NOT_FOUND: 'it holds no mailbox for the contact that we may use',
  RATE_LIMITED: 'too many messages from us just now',
  MailboxNotFoundError: 'it holds no mailbox for the contact that we may use',
  MailboxQuotaError: 'its mailbox is full',
  RelayRateLimitedError: 'too many messages from us just now',
  RelayTimeoutError: 'it did not answer in time',
  RelayProtocolError: 'it answered something unexpected',
  PeerUnreachableError: 'it could not be reached',
  PeerNotFoundError: 'it could not be found'
}

/**
 * The relay path's outcome: nothing tried (no mailbox, no relay of ours), or each relay's
 * refusal, the relay named as the owner knows it.
 */
export function relayFailureReason (lines: RelayDelivery[], nameOf: (peerId: string) => string): string {
  if (lines.length === 0) return 'no relay can hold it: the contact lists no mailbox and you have no relay of your own'
  const refused = lines.filter(l => l.status !== 'stored')
  return `no relay took it: ${refused.map(l => `${nameOf(l.relay)} (${REFUSAL_WORDS[l.reason ?? ''] ?? (l.reason ?? 'refused')})`).join(', ')}`
}
