/**
 * Relays and trust (docs/relay.md): the relays that keep a mailbox for us, with what each
 * holds and its quota use; the first-contact door; and the peers we relay for.
 */
import { useEffect, useState } from 'preact/hooks'
import type { RelayView, TrustView } from '../../../src/messenger/api-types.js'
import { call, errorText } from '../api.js'
import { formatBytes, peerName } from '../format.js'
import { contacts, namesOf } from '../state.js'
import { useObservable } from '../store.js'
import { useStatus } from './useStatus.js'

function RelayRow ({ relay, names, onRemoved }: { relay: RelayView, names: ReadonlyMap<string, string>, onRemoved: () => void }) {
  const [error, setError] = useState<string | undefined>(undefined)
  return (
    <li class="relay">
      <div class="row">
        <strong>{peerName(relay.peerId, names)}</strong>
        <span class={relay.registered ? 'ok' : 'warn'}>{relay.registered ? 'registered' : 'not registered'}</span>
      </div>
      <code class="peer-id small">{relay.peerId}</code>
      {relay.queued !== undefined && (
        <p>
          Holds {relay.queued} message{relay.queued === 1 ? '' : 's'} for you
          {relay.bytes !== undefined && relay.maxBytes !== undefined && <> ({formatBytes(relay.bytes)} of {formatBytes(relay.maxBytes)})</>}
          {relay.prekeysRemaining !== undefined && <>, {relay.prekeysRemaining} prekeys left</>}
        </p>
      )}
      {relay.bytes !== undefined && relay.maxBytes !== undefined && relay.maxBytes > 0 && (
        <meter min={0} max={relay.maxBytes} value={relay.bytes} aria-label={`quota used at ${peerName(relay.peerId, names)}`} />
      )}
      {relay.error !== undefined && <p class="error">{relay.error}</p>}
      <button type="button" class="secondary" onClick={() => {
        call('relays.remove', { peerId: relay.peerId }).then(onRemoved, (err: unknown) => { setError(errorText(err)) })
      }}>Stop using this relay</button>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </li>
  )
}

function AddRelay ({ onAdded }: { onAdded: () => void }) {
  const [peerId, setPeerId] = useState('')
  const [addresses, setAddresses] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  return (
    <form class="form add-relay" aria-labelledby="add-relay-title" onSubmit={(e) => {
      e.preventDefault()
      setBusy(true)
      setError(undefined)
      const addr = addresses.split(/\s+/).filter(a => a !== '')
      call('relays.add', { peerId: peerId.trim(), ...(addr.length > 0 ? { addr } : {}) }).then(() => {
        setPeerId('')
        setAddresses('')
        onAdded()
      }, (err: unknown) => { setError(errorText(err)) }).finally(() => { setBusy(false) })
    }}>
      <h3 id="add-relay-title">Add a relay</h3>
      <label for="relay-peer">Relay's peer ID</label>
      <input id="relay-peer" class="mono" value={peerId} onInput={(e) => { setPeerId(e.currentTarget.value) }} required autoComplete="off" spellcheck={false} />
      <label for="relay-addr">Its addresses (optional, one per line; default: find it by peer ID)</label>
      <textarea id="relay-addr" class="mono" rows={2} value={addresses} onInput={(e) => { setAddresses(e.currentTarget.value) }} spellcheck={false} />
      <p class="hint">The relay's owner must trust you first (murmur trust add with your peer ID).</p>
      <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add relay'}</button>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </form>
  )
}

function FirstContactDoor () {
  const [open, setOpen] = useState<boolean | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    call('relays.firstContact', {}).then(r => { setOpen(r.open) }, (err: unknown) => { setError(errorText(err)) })
  }, [])
  return (
    <section class="card" aria-labelledby="door-title">
      <h2 id="door-title">First contact</h2>
      <label class="switch">
        <input type="checkbox" checked={open === true} disabled={open === undefined || busy} onChange={(e) => {
          // The switch shows the choice at once (a controlled box would spring back until the
          // node answers), stays disabled while the node applies it, and goes back if it fails.
          const previous = open
          const next = e.currentTarget.checked
          setOpen(next)
          setBusy(true)
          setError(undefined)
          call('relays.firstContact', { open: next }).then(r => { setOpen(r.open) }, (err: unknown) => {
            setOpen(previous)
            setError(errorText(err))
          }).finally(() => { setBusy(false) })
        }} />
        Strangers may leave a first message at your relays while you are offline
      </label>
      <p class="hint">{open === undefined ? 'Reading the setting from your node…' : open ? 'Open: a stranger who has your peer ID can leave one first message (within small limits).' : 'Closed: only your contacts can reach your mailboxes.'}</p>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </section>
  )
}

function Trust ({ names }: { names: ReadonlyMap<string, string> }) {
  const [list, setList] = useState<TrustView[]>([])
  const [peerId, setPeerId] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const reload = (): void => { call('trust.list', {}).then(setList, (err: unknown) => { setError(errorText(err)) }) }
  useEffect(reload, [])
  return (
    <section class="card" aria-labelledby="trust-title">
      <h2 id="trust-title">You relay for</h2>
      <p class="hint">These peers may keep a mailbox on your node and hand it messages to forward.</p>
      {list.length === 0
        ? <p class="hint">Nobody yet.</p>
        : (
          <ul class="plain-list">
            {list.map(t => (
              <li key={t.peerId}>
                <strong>{peerName(t.peerId, names)}</strong> <code class="peer-id small">{t.peerId}</code>
                <button type="button" class="secondary" onClick={() => { call('trust.remove', { peerId: t.peerId }).then(reload, (err: unknown) => { setError(errorText(err)) }) }}>Stop relaying</button>
              </li>
            ))}
          </ul>
          )}
      <form class="form inline" onSubmit={(e) => {
        e.preventDefault()
        setError(undefined)
        call('trust.add', { peerId: peerId.trim() }).then(() => { setPeerId(''); reload() }, (err: unknown) => { setError(errorText(err)) })
      }}>
        <label for="trust-peer">Relay for peer ID</label>
        <input id="trust-peer" class="mono" value={peerId} onInput={(e) => { setPeerId(e.currentTarget.value) }} required autoComplete="off" spellcheck={false} />
        <button type="submit" class="secondary">Trust</button>
      </form>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </section>
  )
}

export function Relays () {
  const { status, error, refresh } = useStatus()
  const names = namesOf(useObservable(contacts))
  return (
    <section class="page" aria-labelledby="relays-title">
      <header class="view-header">
        <a class="back" href="#/" aria-label="Back to conversations">‹</a>
        <h1 id="relays-title">Relays</h1>
      </header>
      <section class="card" aria-labelledby="mailboxes-title">
        <h2 id="mailboxes-title">Your relays</h2>
        <p class="hint">Trusted peers that hold messages for you while you are offline.</p>
        {error !== undefined && <p class="error" role="alert">{error}</p>}
        {status === undefined
          ? <p role="status">Asking your relays…</p>
          : status.relays.length === 0
            ? <p class="hint">No relay yet.</p>
            : <ul class="plain-list">{status.relays.map(r => <RelayRow key={r.peerId} relay={r} names={names} onRemoved={refresh} />)}</ul>}
        <AddRelay onAdded={refresh} />
      </section>
      <FirstContactDoor />
      <Trust names={names} />
      {status !== undefined && (
        <p class="hint">As a relay, this node holds {status.relaying.mailboxes} mailbox{status.relaying.mailboxes === 1 ? '' : 'es'} and {status.relaying.forwardQueued} message{status.relaying.forwardQueued === 1 ? '' : 's'} waiting to be forwarded.</p>
      )}
    </section>
  )
}
