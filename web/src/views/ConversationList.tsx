/**
 * The sidebar: navigation, then the conversations ordered by last activity with their
 * unread counts and the last message.
 */
import type { Route } from '../route.js'
import { href } from '../route.js'
import { formatWhen, shortPeerId } from '../format.js'
import { blocked, contacts, inbox, me, namesOf } from '../state.js'
import { useObservable } from '../store.js'

/**
 * The last message on one line. The text is isolated (`<bdi>`) in its own direction: a Hebrew or
 * Arabic text reads right to left after the English "You: ".
 */
function Preview ({ text, direction }: { text: string | undefined, direction: string | undefined }) {
  if (text === undefined) return <span class="preview">no messages yet</span>
  const line = text.replace(/\s+/g, ' ').trim()
  return <span class="preview">{direction === 'out' ? 'You: ' : ''}<bdi>{line}</bdi></span>
}

export function ConversationList ({ current }: { current: Route }) {
  const list = useObservable(inbox)
  const names = namesOf(useObservable(contacts))
  const self = useObservable(me)
  const blockedPeers = new Set(useObservable(blocked).map(b => b.peerId))
  const openPeer = current.view === 'conversation' ? current.peerId : undefined
  const section = current.view === 'contact' ? 'contacts' : current.view
  return (
    <nav class="sidebar" aria-label="Conversations and settings">
      <header class="brand">
        <span class="logo" aria-hidden="true" />
        <span>murmur</span>
        {self?.name !== undefined && <span class="self">{self.name}</span>}
      </header>
      <ul class="sections">
        <li><a href="#/contacts" aria-current={section === 'contacts' ? 'page' : undefined}>Contacts</a></li>
        <li><a href="#/relays" aria-current={section === 'relays' ? 'page' : undefined}>Relays</a></li>
        <li><a href="#/node" aria-current={section === 'node' ? 'page' : undefined}>Node</a></li>
      </ul>
      <h2 class="list-title" id="conversations-title">Conversations</h2>
      {list.length === 0
        ? <p class="hint">No conversations yet. <a href="#/contacts">Add a contact</a> to start one.</p>
        : (
          <ul class="conversations" aria-labelledby="conversations-title">
            {list.map((c) => {
              const name = c.contact ?? names.get(c.peerId) ?? shortPeerId(c.peerId)
              return (
                <li key={c.peerId}>
                  <a href={href({ view: 'conversation', peerId: c.peerId })} aria-current={openPeer === c.peerId ? 'page' : undefined} data-peer={c.peerId}>
                    <span class="row">
                      <span class="name" dir="auto">{name}</span>
                      {blockedPeers.has(c.peerId) && <span class="tag">blocked</span>}
                      <time dateTime={new Date(c.lastMessageAt).toISOString()}>{formatWhen(c.lastMessageAt)}</time>
                    </span>
                    <span class="row">
                      <Preview text={c.lastMessage?.text} direction={c.lastMessage?.direction} />
                      {c.unread > 0 && <span class="badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
                    </span>
                  </a>
                </li>
              )
            })}
          </ul>
          )}
    </nav>
  )
}
