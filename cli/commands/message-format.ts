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

/** A message id as shown to people: its first 8 hex digits (`resend` and `cancel` take it). */
export function shortId (id: string): string {
  return id.slice(0, 8)
}

/**
 * After a message that a stream (`--follow`, `chat`) shows late: lines already printed cannot
 * move, so say where it belongs; `history` shows it there (docs/messaging.md "Order").
 */
export const LATE_NOTE = '  (arrived late: its place is above, before later messages; `history` shows it there)'

/**
 * One message: `[time #seq id] who: text` plus the delivery state of outgoing messages. The
 * seq is what `history --before` pages by; the short id is what `resend` and `cancel` take.
 * Lines after the first of a multi-line text are indented under its first line.
 * `contactName` names the sender when the view carries no contact (events may not).
 */
export function formatMessage (m: MessageView, contactName?: string, state: string = m.state, names?: ReadonlyMap<string, string>): string {
  const time = formatTime(m.sentAt)
  if (m.direction === 'event') return `[${time} #${m.seq}] * ${m.text}`
  const who = m.direction === 'out' ? 'you' : (m.contact ?? contactName ?? shortPeerId(m.peerId))
  const shownState = m.direction === 'out' ? `  (${describeState(m, state, names)}${describeReason(m, names)})` : ''
  const head = `[${time} #${m.seq} ${shortId(m.id)}] ${who}: `
  return `${head}${indentLines(m.text, head.length)}${shownState}${m.late === true ? LATE_NOTE : ''}`
}

/**
 * The reason shown after the state. Relays that refused are named from the structured
 * `relays` list, by contact name where there is one, rather than from the stored text.
 */
export function describeReason (m: Pick<MessageView, 'reason' | 'relays' | 'state'>, names?: ReadonlyMap<string, string>): string {
  if (m.reason === undefined) return ''
  const refused = (m.relays ?? []).filter(r => r.status === 'refused')
  if (m.state !== 'stored' && refused.length > 0 && m.reason.startsWith('no relay took it')) {
    return `: no relay took it: ${refused.map(r => `${peerName(r.relay, names)} (${r.reason ?? 'refused'})`).join(', ')}`
  }
  return `: ${m.reason}`
}

/** `text` with every line after the first indented by `width` spaces. */
export function indentLines (text: string, width: number): string {
  return text.split(/\r?\n/).join('\n' + ' '.repeat(width))
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

/**
 * A `message:state` event, attached to its message: its short id and, when known, the start of
 * its text; for `stored`, its `relays` say where (by contact name when there is one).
 */
export function formatStateChange (change: Pick<MessageView, 'id' | 'state' | 'reason' | 'relays'>, names?: ReadonlyMap<string, string>, text?: string): string {
  const relays = storedAt(change)
  const state = change.state === 'stored' && relays.length > 0 ? `stored at ${relays.map(r => peerName(r, names)).join(', ')}` : change.state
  const excerpt = text !== undefined ? ` "${excerptOf(text)}"` : ''
  return `  · ${shortId(change.id)}${excerpt}: ${state}${describeReason(change, names)}`
}

/** The first line of a text, cut to 32 characters. */
function excerptOf (text: string): string {
  const line = text.split(/\r?\n/)[0]
  return line.length > 32 ? `${line.slice(0, 31)}…` : line
}

export function formatConversation (c: ConversationView, names?: ReadonlyMap<string, string>, blocked = false): string {
  const who = c.contact ?? c.peerId
  const unread = c.unread > 0 ? `${c.unread} unread` : 'read'
  const last = c.lastMessage !== undefined ? `  ${formatMessage(c.lastMessage, undefined, c.lastMessage.state, names)}` : ''
  return `${who}  (${unread}${blocked ? ', blocked' : ''})${last}`
}

/** Contacts as a table whose columns line up (names of any width, wide characters counted once). */
export function formatContacts (contacts: ContactView[]): string {
  const width = Math.max(4, ...contacts.map(c => [...c.name].length))
  return contacts.map(c => `${c.name}${' '.repeat(width - [...c.name].length)}  ${c.peerId}${c.verified ? '  verified' : ''}`).join('\n')
}

/** peer ID -> contact name, for showing relays by name. */
export function namesOf (contacts: ContactView[]): Map<string, string> {
  return new Map(contacts.map(c => [c.peerId, c.name]))
}
