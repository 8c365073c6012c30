/**
 * Formatting for people: times, days, byte counts, peer IDs and delivery states, as the CLI
 * shows them (the shared pieces come from cli/commands/message-format.ts, which is pure).
 */
import { peerName, storedAt } from '../../cli/commands/message-format.js'
import type { MessageView } from '../../src/messenger/types.js'

export { formatBytes, peerName, shortPeerId } from '../../cli/commands/message-format.js'

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

/**
 * The state of an outgoing message in words: `stored at carol` names the relays that hold it
 * (DESIGN.md "Delivery"); a reason (why it failed, or why it waits) follows a colon.
 */
export function describeState (m: Pick<MessageView, 'state' | 'reason' | 'relays'>, names: ReadonlyMap<string, string>): string {
  let text: string = m.state
  if (m.state === 'stored') {
    const relays = storedAt(m).map(r => peerName(r, names))
    if (relays.length > 0) text = `stored at ${relays.join(', ')}`
  }
  return m.reason !== undefined && m.reason !== '' ? `${text}: ${m.reason}` : text
}
