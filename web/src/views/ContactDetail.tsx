/**
 * One contact (or any peer, by its ID): rename, remove, block, and verification. The safety number (60 digits, the same on
 * both sides) is shown as digits and as a QR code; reading the other person's QR code
 * compares them, and the user marks the contact verified.
 */
import { useEffect, useState } from 'preact/hooks'
import type { SafetyNumberView } from '../../../src/messenger/types.js'
import { call, errorText } from '../api.js'
import { QrCode } from '../qr.js'
import { href, navigate } from '../route.js'
import { QrCamera, QrFileInput } from '../scan.js'
import { formatClock, formatDay } from '../format.js'
import { blocked, contacts, refreshContacts, rereadState } from '../state.js'
import { useObservable } from '../store.js'

const digitsOnly = (text: string): string => text.replace(/\D/g, '')

function SafetyNumber ({ peerId }: { peerId: string }) {
  const [view, setView] = useState<SafetyNumberView | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [camera, setCamera] = useState(false)
  const [comparison, setComparison] = useState<'match' | 'mismatch' | undefined>(undefined)
  // Marked verified (or not) elsewhere, in another tab or by the CLI: the contacts event brings
  // the book here, and the safety number's state is read again with it.
  const verifiedInBook = useObservable(contacts).find(c => c.peerId === peerId)?.verified
  useEffect(() => {
    call('contacts.verify', { contact: peerId }).then(setView, (err: unknown) => { setError(errorText(err)) })
  }, [peerId, verifiedInBook])
  if (view === undefined) return error !== undefined ? <p class="error" role="alert">{error}</p> : <p role="status">Loading the safety number…</p>
  const compare = (text: string): void => {
    setCamera(false)
    setComparison(digitsOnly(text) === digitsOnly(view.safetyNumber) ? 'match' : 'mismatch')
  }
  const groups = view.safetyNumber.split(/\s+/)
  return (
    <section class="card" aria-labelledby="safety-title">
      <h2 id="safety-title">Safety number</h2>
      <p>Compare it with {view.contact ?? 'your contact'}'s screen, in person or on a call: it is the same on both sides only if nobody stands between you.</p>
      <div class="address">
        <QrCode text={digitsOnly(view.safetyNumber)} label="QR code of the safety number" />
        <div>
          <p class="safety-number" aria-label={`safety number ${view.safetyNumber}`} data-testid="safety-number">
            {groups.map((g, i) => <span key={i}>{g}</span>)}
          </p>
          <p>{view.verified ? <span class="verified">verified</span> : 'Not verified yet.'}</p>
        </div>
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => { setCamera(!camera) }}>{camera ? 'Close the camera' : 'Scan their safety number'}</button>
        <QrFileInput label="Read their code from an image" onText={compare} onError={setError} />
        {!view.verified && (
          <button type="button" onClick={() => {
            call('contacts.verify', { contact: peerId, confirm: true }).then(async (v) => { setView(v); await refreshContacts() }, (err: unknown) => { setError(errorText(err)) })
          }}>Mark as verified</button>
        )}
      </div>
      {camera && <QrCamera onText={compare} onClose={(message) => { setCamera(false); if (message !== undefined) setError(message) }} />}
      {comparison === 'match' && <p class="ok" role="status">The safety numbers match.</p>}
      {comparison === 'mismatch' && <p class="error" role="alert">The safety numbers do NOT match: do not mark this contact verified.</p>}
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </section>
  )
}

/**
 * The rename form, its box starting at the contact's name. Keyed by that name (below): renamed
 * here or elsewhere, the form starts again from the new one. An effect that set the box to the
 * name ran after the first paint, and could overwrite what was typed before it (a test's fill
 * on a loaded machine did).
 */
function Rename ({ peerId, name }: { peerId: string, name: string }) {
  const [value, setValue] = useState(name)
  const [error, setError] = useState<string | undefined>(undefined)
  return (
    <form class="form inline" onSubmit={(e) => {
      e.preventDefault()
      setError(undefined)
      call('contacts.rename', { contact: peerId, newName: value.trim() }).then(async () => {
        await refreshContacts()
        rereadState()
      }, (err: unknown) => { setError(errorText(err)) })
    }}>
      <label for="rename">Name</label>
      <input id="rename" dir="auto" value={value} maxLength={64} onInput={(e) => { setValue(e.currentTarget.value) }} autoComplete="off" />
      <button type="submit" class="secondary" disabled={value.trim() === name}>Rename</button>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </form>
  )
}

function Remove ({ peerId, name }: { peerId: string, name: string }) {
  const [asking, setAsking] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  if (!asking) return <button type="button" class="danger" onClick={() => { setAsking(true) }}>Remove {name}…</button>
  return (
    <div class="confirm" role="group" aria-label="Confirm removal">
      <p>Remove {name} from your contacts? The conversation history is kept.</p>
      <button type="button" class="danger" onClick={() => {
        call('contacts.remove', { contact: peerId }).then(async () => {
          await refreshContacts()
          // The list names conversations by the contact names it read: bob's is his no more.
          rereadState()
          navigate({ view: 'contacts' })
        }, (err: unknown) => { setError(errorText(err)) })
      }}>Remove</button>
      <button type="button" class="secondary" onClick={() => { setAsking(false) }}>Keep</button>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </div>
  )
}

/**
 * Block or unblock the peer (docs/messaging.md "Blocking"), after a confirmation that says what
 * blocking does. The state comes back with the read the `blocks` event asks for.
 */
function Block ({ peerId, name }: { peerId: string, name: string }) {
  const since = useObservable(blocked).find(b => b.peerId === peerId)?.blockedAt
  const [asking, setAsking] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const act = (method: 'block' | 'unblock'): void => {
    setError(undefined)
    // The node's `blocks` event reads the state again (live.ts): no read of its own here.
    call(method, { peer: peerId }).then(() => { setAsking(false) }, (err: unknown) => { setError(errorText(err)) })
  }
  return (
    <section class="card" aria-labelledby="block-title">
      <h2 id="block-title">Blocking</h2>
      {since !== undefined
        ? <>
          <p>You blocked {name} ({formatDay(since)}, {formatClock(since)}). What they send is dropped unread, and nothing goes to them.</p>
          <button type="button" class="secondary" onClick={() => { act('unblock') }}>Unblock {name}</button>
        </>
        : !asking
            ? <button type="button" class="danger" onClick={() => { setAsking(true) }}>Block {name}…</button>
            : <div class="confirm" role="group" aria-label="Confirm blocking">
              <p>Block {name}? What they send from now on is dropped unread, your messages waiting for them fail, and nothing more goes to them. They are not told. The conversation is kept.</p>
              <button type="button" class="danger" onClick={() => { act('block') }}>Block</button>
              <button type="button" class="secondary" onClick={() => { setAsking(false) }}>Cancel</button>
            </div>}
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </section>
  )
}

export function ContactDetail ({ peerId }: { peerId: string }) {
  const contact = useObservable(contacts).find(c => c.peerId === peerId)
  return (
    <section class="page" aria-labelledby="contact-title">
      <header class="view-header">
        <a class="back" href="#/contacts" aria-label="Back to contacts">‹</a>
        <h1 id="contact-title" dir="auto">{contact?.name ?? 'Not a contact'}</h1>
        <a class="subtle" href={href({ view: 'conversation', peerId })}>Conversation</a>
      </header>
      <section class="card">
        <h2>Peer ID</h2>
        <code class="peer-id">{peerId}</code>
        {contact !== undefined
          ? <><Rename key={contact.name} peerId={peerId} name={contact.name} /><Remove peerId={peerId} name={contact.name} /></>
          : <p>This peer is not one of your contacts. <a href="#/contacts">Add it</a> with its peer ID.</p>}
      </section>
      <SafetyNumber peerId={peerId} />
      <Block peerId={peerId} name={contact?.name ?? 'this peer'} />
    </section>
  )
}
