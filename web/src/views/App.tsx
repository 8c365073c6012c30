/**
 * The page: a sidebar (navigation and the conversation list) and the main view. On a narrow
 * screen one of the two is shown at a time. A stopped node or a missing session replaces
 * everything with a page that says so.
 */
import { useEffect, useLayoutEffect } from 'preact/hooks'
import { route, navigate, type Route } from '../route.js'
import { connection, conversation, inbox, signInFailed } from '../state.js'
import { useObservable } from '../store.js'
import { ContactDetail } from './ContactDetail.js'
import { Contacts } from './Contacts.js'
import { focusNextCompose } from './Compose.js'
import { Conversation } from './Conversation.js'
import { ConversationList } from './ConversationList.js'
import { Node } from './Node.js'
import { Relays } from './Relays.js'
import { SignIn } from './SignIn.js'
import { Stopped } from './Stopped.js'

function MainView ({ current }: { current: Route }) {
  switch (current.view) {
    case 'conversation': return <Conversation peerId={current.peerId} />
    case 'contacts': return <Contacts />
    case 'contact': return <ContactDetail peerId={current.peerId} />
    case 'relays': return <Relays />
    case 'node': return <Node />
    case 'home': return (
      <section class="empty" aria-labelledby="welcome">
        <h1 id="welcome">murmur</h1>
        <p>Pick a conversation, or add a contact to start one.</p>
        <p><a class="button" href="#/contacts">Add a contact</a></p>
      </section>
    )
  }
}

/** Alt+ArrowUp / Alt+ArrowDown move between conversations; Escape goes back to the list. */
function useKeyboard (current: Route): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        const list = inbox.value
        if (list.length === 0) return
        const open = current.view === 'conversation' ? list.findIndex(c => c.peerId === current.peerId) : -1
        const next = event.key === 'ArrowDown' ? Math.min(list.length - 1, open + 1) : Math.max(0, open - 1)
        // The focus in the conversation (its compose box, a message's button) goes with it: the
        // next one's compose box takes it. A focus in the list stays where it is.
        const focused = document.activeElement
        if (list[next].peerId !== (open >= 0 ? list[open].peerId : undefined) && (focused === null || focused === document.body || focused.closest('main') !== null)) focusNextCompose()
        navigate({ view: 'conversation', peerId: list[next].peerId })
        event.preventDefault()
      } else if (event.key === 'Escape' && current.view !== 'home' && !(event.target instanceof HTMLTextAreaElement && event.target.value !== '')) {
        navigate({ view: 'home' })
      }
    }
    window.addEventListener('keydown', onKey)
    return () => { window.removeEventListener('keydown', onKey) }
  }, [current])
}

/**
 * The tab's title counts unread messages, so a hidden tab shows that something arrived. It is
 * set with the render that changes the count (a layout effect), not after the next paint: a
 * hidden tab paints late or never, and its title and its badges must not disagree meanwhile.
 */
function useTitle (): void {
  const list = useObservable(inbox)
  const unread = list.reduce((sum, c) => sum + c.unread, 0)
  useLayoutEffect(() => { document.title = unread > 0 ? `(${unread}) murmur` : 'murmur' }, [unread])
}

export function App () {
  const state = useObservable(connection)
  const current = useObservable(route)
  const codeRefused = useObservable(signInFailed)
  useObservable(conversation)
  useKeyboard(current)
  useTitle()
  if (state === 'signed-out') return <SignIn failed={codeRefused} />
  if (state === 'stopped') return <Stopped />
  if (state === 'signing-in') return <Stopped signingIn />
  if (state === 'connecting') return <p class="loading" role="status">Connecting to your murmur node…</p>
  return (
    <div class={`app ${current.view === 'home' ? 'at-home' : 'in-view'}`}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus() }}>Skip to content</a>
      <ConversationList current={current} />
      <main id="main" tabIndex={-1}>
        <MainView current={current} />
      </main>
    </div>
  )
}
