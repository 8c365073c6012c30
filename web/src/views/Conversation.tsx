/**
 * One conversation: its history (paged back when scrolled to the top, or with the button),
 * each message's state live, day separators, session resets and gaps as the CLI shows them,
 * and the compose box.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks'
import { href } from '../route.js'
import { shortPeerId } from '../format.js'
import { blocked, contacts, conversation, loadEarlier, markReadSoon, namesOf, openConversation, closeConversation } from '../state.js'
import { useObservable } from '../store.js'
import { Compose } from './Compose.js'
import { MessageList } from './MessageList.js'

export function Conversation ({ peerId }: { peerId: string }) {
  const state = useObservable(conversation)
  const list = useObservable(contacts)
  const names = namesOf(list)
  const contact = list.find(c => c.peerId === peerId)
  const isBlocked = useObservable(blocked).some(b => b.peerId === peerId)
  const scroller = useRef<HTMLDivElement>(null)
  const sentinel = useRef<HTMLDivElement>(null)
  const pinned = useRef(true)
  const previousHeight = useRef(0)
  const previousFirst = useRef<string | undefined>(undefined)

  useEffect(() => {
    pinned.current = true
    void openConversation(peerId).then(() => { markReadSoon() })
    const onVisible = (): void => { if (document.visibilityState === 'visible') markReadSoon() }
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      document.removeEventListener('visibilitychange', onVisible)
      closeConversation()
    }
  }, [peerId])

  // Paging back: when the top of the list comes into view, read the previous page.
  useEffect(() => {
    const el = sentinel.current
    if (el === null) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some(e => e.isIntersecting) && !pinned.current) void loadEarlier()
    }, { root: scroller.current })
    observer.observe(el)
    return () => { observer.disconnect() }
  }, [peerId])

  // Keep the view at the bottom for new messages, and in place when older ones are added above.
  useLayoutEffect(() => {
    const el = scroller.current
    if (el === null || state === undefined) return
    const first = state.messages[0]?.id
    if (pinned.current) el.scrollTop = el.scrollHeight
    else if (first !== previousFirst.current) el.scrollTop += el.scrollHeight - previousHeight.current
    previousHeight.current = el.scrollHeight
    previousFirst.current = first
  }, [state])

  const name = contact?.name ?? shortPeerId(peerId)
  const open = state?.peerId === peerId ? state : undefined
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="view-header">
        <a class="back" href="#/" aria-label="Back to conversations">‹</a>
        <h1 id="conversation-title" dir="auto">{name}</h1>
        {contact?.verified === true ? <span class="verified">verified</span> : null}
        <a class="subtle" href={href({ view: 'contact', peerId })}>{contact !== undefined ? 'Contact and safety number' : 'Add as contact'}</a>
      </header>
      <div
        class="scroller"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
        }}
      >
        <div ref={sentinel} class="sentinel" />
        {open?.hasMore === true && (
          <button type="button" class="secondary load-earlier" disabled={open.loading} onClick={() => { pinned.current = false; void loadEarlier() }}>
            {open.loading ? 'Loading…' : 'Load earlier messages'}
          </button>
        )}
        {open?.error !== undefined && <p class="error" role="alert">{open.error}</p>}
        {open !== undefined && <MessageList messages={open.messages} peerId={peerId} names={names} contactName={name} />}
        {open !== undefined && !open.loading && open.messages.length === 0 && <p class="hint">No messages yet. Say hello.</p>}
      </div>
      {isBlocked
        // Nothing goes to a blocked peer (the node refuses): no box to type into.
        ? <p class="hint blocked-notice" role="status">You blocked {name}: what they send is dropped unread. <a href={href({ view: 'contact', peerId })}>Unblock</a> to write to them again.</p>
        : <Compose key={peerId} peerId={peerId} name={name} onSent={() => { pinned.current = true }} />}
    </section>
  )
}
