/**
 * Text formatting of messages, conversations and contacts for people. (--json prints the API's
 * views unchanged; these are only for text output.)
 */
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
export function formatMessage (m: MessageView, contactName?: string, state: string = m.state): string {
  const time = formatTime(m.sentAt)
  if (m.direction === 'event') return `[${time}] * ${m.text}`
  const who = m.direction === 'out' ? 'you' : (m.contact ?? contactName ?? shortPeerId(m.peerId))
  const shownState = m.direction === 'out' ? `  (${state}${m.reason !== undefined ? `: ${m.reason}` : ''})` : ''
  return `[${time}] ${who}: ${m.text}${shownState}`
}

export function formatStateChange (change: { id: string, state: string, reason?: string }): string {
  return `  · message ${change.id.slice(0, 8)} ${change.state}${change.reason !== undefined ? ` (${change.reason})` : ''}`
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
