/**
 * Text formatting of messages, conversations and contacts for people. (--json prints the API's
 * views unchanged; these are only for text output.)
 */
import type { RelayView, TrustView } from '../../src/messenger/api-types.js'
import type { ContactView, ConversationView, MessageView } from '../../src/messenger/types.js'

function pad2 (n: number): string {
  return n.toString().padStart(2, '0')
}

/** Local time, `YYYY-MM-DD HH:MM`. */
export function formatTime (ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

/** A peer ID shortened for display: `12D3KooW…last6`. */
export function shortPeerId (peerId: string): string {
  return peerId.length > 20 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId
}

/**
 * One message line: `[time] who: text` plus the delivery state of outgoing messages.
 * `contactName` names the sender when the view carries no contact (events may not).
 */
export function formatMessage (m: MessageView, contactName?: string, state: string = m.state, names?: ReadonlyMap<string, string>): string {
  const time = formatTime(m.sentAt)
  if (m.direction === 'event') return `[${time}] * ${m.text}`
  const who = m.direction === 'out' ? 'you' : (m.contact ?? contactName ?? shortPeerId(m.peerId))
  const shownState = m.direction === 'out' ? `  (${describeState(m, state, names)}${m.reason !== undefined ? `: ${m.reason}` : ''})` : ''
  return `[${time}] ${who}: ${m.text}${shownState}`
}

/** The relays holding a message (`stored` entries of MessageView.relays). */
export function storedAt (m: Pick<MessageView, 'relays'>): string[] {
  return (m.relays ?? []).filter(r => r.status === 'stored').map(r => r.relay)
}

/** A relay (or any peer) for people: its contact name when it is a contact, else the short peer ID. */
export function peerName (peerId: string, names?: ReadonlyMap<string, string>): string {
  return names?.get(peerId) ?? shortPeerId(peerId)
}

/** `stored at 12D3KooW…abcdef` for a message relays hold (DESIGN.md "Delivery"), else the state. */
function describeState (m: MessageView, state: string, names?: ReadonlyMap<string, string>): string {
  if (state !== 'stored') return state
  const relays = storedAt(m)
  return relays.length > 0 ? `stored at ${relays.map(r => peerName(r, names)).join(', ')}` : state
}

/** Bytes for people: `512 B`, `1.5 KiB`, `64 MiB`. */
export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

/** One mailbox at a relay: `<relay>  registered, 3 queued (1.5 KiB of 64 MiB), 97 prekeys left`. */
export function formatRelay (r: RelayView, options: { short?: boolean, names?: ReadonlyMap<string, string> } = {}): string {
  const id = options.short === true ? shortPeerId(r.peerId) : r.peerId
  const name = options.names?.get(r.peerId)
  const who = name !== undefined ? `${name} (${id})` : id
  const parts: string[] = [r.registered ? 'registered' : 'not registered']
  if (r.queued !== undefined) {
    const quota = r.bytes !== undefined
      ? ` (${formatBytes(r.bytes)}${r.maxBytes !== undefined ? ` of ${formatBytes(r.maxBytes)}` : ''}${r.maxCount !== undefined ? `, max ${r.maxCount}` : ''})`
      : ''
    parts.push(`${r.queued} queued${quota}`)
  }
  if (r.prekeysRemaining !== undefined) parts.push(`${r.prekeysRemaining} prekeys left`)
  return `${who}  ${parts.join(', ')}${r.error !== undefined ? `  (${r.error})` : ''}`
}

export function formatTrust (t: TrustView): string {
  return `${t.peerId}  since ${formatTime(t.addedAt)}`
}

/** A `message:state` event; for `stored`, its `relays` say where. */
export function formatStateChange (change: Pick<MessageView, 'id' | 'state' | 'reason' | 'relays'>, names?: ReadonlyMap<string, string>): string {
  const relays = storedAt(change)
  const state = change.state === 'stored' && relays.length > 0 ? `stored at ${relays.map(r => peerName(r, names)).join(', ')}` : change.state
  return `  · message ${change.id.slice(0, 8)} ${state}${change.reason !== undefined ? ` (${change.reason})` : ''}`
}

export function formatConversation (c: ConversationView): string {
  const who = c.contact ?? c.peerId
  const unread = c.unread > 0 ? `${c.unread} unread` : 'read'
  const last = c.lastMessage !== undefined ? `  ${formatMessage(c.lastMessage)}` : ''
  return `${who}  (${unread})${last}`
}

export function formatContact (c: ContactView): string {
  return `${c.name}  ${c.peerId}${c.verified ? '  verified' : ''}`
}

/** peer ID -> contact name, for showing relays by name. */
export function namesOf (contacts: ContactView[]): Map<string, string> {
  return new Map(contacts.map(c => [c.peerId, c.name]))
}
