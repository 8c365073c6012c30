/**
 * Contacts: your own peer ID (as text and as a QR code, for the other person to read), adding
 * a contact by peer ID (typed, pasted, or read from their QR code), and the list.
 */
import { useState } from 'preact/hooks'
import { call, errorText } from '../api.js'
import { QrCode } from '../qr.js'
import { href, navigate } from '../route.js'
import { QrCamera, QrFileInput } from '../scan.js'
import { contacts, me, refreshContacts } from '../state.js'
import { useObservable } from '../store.js'

/** A QR code may carry a bare peer ID or a libp2p multiaddr ending in /p2p/<peer ID>. */
function peerIdFromScan (text: string): string {
  const trimmed = text.trim()
  const p2p = /\/p2p\/([1-9A-HJ-NP-Za-km-z]+)$/.exec(trimmed)
  return p2p !== null ? p2p[1] : trimmed
}

function YourAddress () {
  const self = useObservable(me)
  const [copied, setCopied] = useState(false)
  if (self === undefined) return null
  return (
    <section class="card" aria-labelledby="you-title">
      <h2 id="you-title">Your address</h2>
      <p>Give this peer ID to the people you want to talk to, or let them read the QR code.</p>
      <div class="address">
        <QrCode text={self.peerId} label="QR code of your peer ID" />
        <div>
          <code class="peer-id" data-testid="own-peer-id">{self.peerId}</code>
          <p>
            <button type="button" class="secondary" onClick={() => {
              navigator.clipboard.writeText(self.peerId).then(() => { setCopied(true) }, () => { setCopied(false) })
            }}>Copy</button>
            <span role="status">{copied ? ' Copied.' : ''}</span>
          </p>
          <p class="hint">Fingerprint {self.fingerprint}</p>
        </div>
      </div>
    </section>
  )
}

function AddContact () {
  const [name, setName] = useState('')
  const [peerId, setPeerId] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [camera, setCamera] = useState(false)
  const add = (): void => {
    setBusy(true)
    setError(undefined)
    call('contacts.add', { name: name.trim(), peerId: peerId.trim() }).then(async (contact) => {
      await refreshContacts()
      setName('')
      setPeerId('')
      navigate({ view: 'conversation', peerId: contact.peerId })
    }, (err: unknown) => { setError(errorText(err)) }).finally(() => { setBusy(false) })
  }
  const scanned = (text: string): void => { setCamera(false); setPeerId(peerIdFromScan(text)); setError(undefined) }
  return (
    <section class="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a contact</h2>
      <form class="form" onSubmit={(e) => { e.preventDefault(); add() }}>
        <label for="contact-name">Name (only you see it)</label>
        <input id="contact-name" value={name} onInput={(e) => { setName(e.currentTarget.value) }} maxLength={64} required autoComplete="off" />
        <label for="contact-peer">Peer ID</label>
        <input id="contact-peer" value={peerId} onInput={(e) => { setPeerId(e.currentTarget.value) }} placeholder="12D3KooW…" required autoComplete="off" spellcheck={false} class="mono" />
        <div class="actions">
          <button type="submit" disabled={busy}>Add contact</button>
          <button type="button" class="secondary" onClick={() => { setCamera(!camera) }}>{camera ? 'Close the camera' : 'Scan their QR code'}</button>
          <QrFileInput label="Read a QR code from an image" onText={scanned} onError={setError} />
        </div>
        {camera && <QrCamera onText={scanned} onClose={(message) => { setCamera(false); if (message !== undefined) setError(message) }} />}
        {error !== undefined && <p class="error" role="alert">{error}</p>}
      </form>
    </section>
  )
}

export function Contacts () {
  const list = useObservable(contacts)
  return (
    <section class="page" aria-labelledby="contacts-title">
      <header class="view-header">
        <a class="back" href="#/" aria-label="Back to conversations">‹</a>
        <h1 id="contacts-title">Contacts</h1>
      </header>
      <YourAddress />
      <AddContact />
      <section class="card" aria-labelledby="list-title">
        <h2 id="list-title">Your contacts</h2>
        {list.length === 0
          ? <p class="hint">None yet.</p>
          : (
            <ul class="plain-list">
              {list.map(c => (
                <li key={c.peerId}>
                  <a href={href({ view: 'contact', peerId: c.peerId })} dir="auto">{c.name}</a>
                  {c.verified && <span class="verified">verified</span>}
                  <code class="peer-id small">{c.peerId}</code>
                </li>
              ))}
            </ul>
            )}
      </section>
    </section>
  )
}
