/**
 * Formatting for people: times, days, byte counts, peer IDs and delivery states, as the CLI
 * shows them (cli/commands/message-format.ts).
 */
import type { MessageView } from '../../src/messenger/types.js'

export function shortPeerId (peerId: string): string {
  return peerId.length > 20 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId
}

export function formatClock (ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** A day heading: Today, Yesterday, or the date. */
export function formatDay (ms: number, now = Date.now()): string {
  const day = new Date(ms).toDateString()
  if (day === new Date(now).toDateString()) return 'Today'
  if (day === new Date(now - 86_400_000).toDateString()) return 'Yesterday'
  return new Date(ms).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' })
}

/** Time for a conversation list: the clock today, else the date. */
export function formatWhen (ms: number, now = Date.now()): string {
  return new Date(ms).toDateString() === new Date(now).toDateString()
    ? formatClock(ms)
    : new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

export function sameDay (a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString()
}

export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

export function peerName (peerId: string, names: ReadonlyMap<string, string>): string {
  return names.get(peerId) ?? shortPeerId(peerId)
}

/**
 * The state of an outgoing message in words: `stored at carol` names the relays that hold it
 * (DESIGN.md "Delivery"); a reason (why it failed, or why it waits) follows a colon.
 */
export function describeState (m: Pick<MessageView, 'state' | 'reason' | 'relays'>, names: ReadonlyMap<string, string>): string {
  let text: string = m.state
  if (m.state === 'stored') {
    const relays = (m.relays ?? []).filter(r => r.status === 'stored').map(r => peerName(r.relay, names))
    if (relays.length > 0) text = `stored at ${relays.join(', ')}`
  }
  return m.reason !== undefined && m.reason !== '' ? `${text}: ${m.reason}` : text
}
