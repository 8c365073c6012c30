/**
 * The messages of a conversation with day separators. Text is rendered as text (Preact makes
 * a text node; the CSP's Trusted Types forbid any HTML sink), with line breaks kept by CSS.
 */
import type { MessageView } from '../../../src/messenger/types.js'
import { describeState, formatClock, formatDay, sameDay } from '../format.js'
import { resendMessage, reportProblem } from '../state.js'
import { errorText } from '../api.js'

function MessageItem ({ m, peerId, names, contactName }: { m: MessageView, peerId: string, names: ReadonlyMap<string, string>, contactName: string }) {
  if (m.direction === 'event') {
    return <li class="event" data-id={m.id}><span>{m.text}</span></li>
  }
  const out = m.direction === 'out'
  const state = describeState(m, names)
  const canResend = out && (m.state === 'failed' || m.state === 'expired')
  return (
    <li class={`message ${out ? 'out' : 'in'}`} data-id={m.id} data-state={m.state}>
      <span class="visually-hidden">{out ? 'You' : contactName}: </span>
      {/* dir="auto": each text takes the direction of its first strong character (Hebrew, Arabic...). */}
      <p class="text" dir="auto">{m.text}</p>
      <span class="meta">
        <time dateTime={new Date(m.sentAt).toISOString()}>{formatClock(m.sentAt)}</time>
        {out && <span class={`state state-${m.state}`}>{state}</span>}
        {canResend && (
          <button type="button" class="link" onClick={() => { resendMessage(peerId, m.id).catch((err: unknown) => { reportProblem(`resend failed: ${errorText(err)}`) }) }}>Resend</button>
        )}
      </span>
    </li>
  )
}

export function MessageList ({ messages, peerId, names, contactName }: { messages: MessageView[], peerId: string, names: ReadonlyMap<string, string>, contactName: string }) {
  const items = []
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]
    if (i === 0 || !sameDay(messages[i - 1].sentAt, m.sentAt)) {
      items.push(<li class="day" key={`day-${m.seq}`}><time dateTime={new Date(m.sentAt).toISOString().slice(0, 10)}>{formatDay(m.sentAt)}</time></li>)
    }
    items.push(<MessageItem key={m.id} m={m} peerId={peerId} names={names} contactName={contactName} />)
  }
  return <div role="log" aria-live="polite" aria-label="Messages"><ol class="messages">{items}</ol></div>
}
