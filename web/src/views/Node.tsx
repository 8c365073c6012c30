/**
 * The node: reachability (when the node reports it), connections, the outbox, addresses and
 * what went wrong; desktop notifications and signing out.
 */
import type { StatusView } from '../../../src/messenger/api-types.js'
import { errorText, signOut } from '../api.js'
import { formatClock, peerName } from '../format.js'
import { askNotificationPermission, notificationPermission } from '../notify.js'
import { connection, contacts, me, namesOf, problems, reportProblem } from '../state.js'
import { useObservable } from '../store.js'
import { useStatus } from './useStatus.js'

/** Reachability arrives in StatusView from a newer node; older nodes do not send it. */
interface Reachability {
  mode: 'public' | 'relayed' | 'lan' | 'unreachable' | 'unknown'
  detail: string
  publicAddresses: string[]
  relayAddresses: string[]
}

const REACHABILITY_WORDS: Record<Reachability['mode'], string> = {
  public: 'reachable from the internet',
  relayed: 'reachable through a circuit relay',
  lan: 'reachable on the local network only',
  unreachable: 'not reachable by others',
  unknown: 'not known yet'
}

/**
 * In words, with the node's detail. A local network's detail says it all ("this machine only
 * (loopback addresses)", "local network only (private addresses)", as `murmur status` prints
 * it), and a relayed one names the relays ("through relay …"): the mode's words before them
 * said "local network only" and "through" twice.
 */
function describeReachability (r: Reachability): string {
  if (r.mode === 'lan' && r.detail !== '') return r.detail
  if (r.mode === 'relayed' && r.detail !== '') return `reachable ${r.detail}`
  const words = REACHABILITY_WORDS[r.mode] ?? r.mode
  return r.detail !== '' ? `${words} (${r.detail})` : words
}

function reachabilityOf (status: StatusView): Reachability | undefined {
  const r = (status as StatusView & { reachability?: Reachability }).reachability
  return r !== undefined && typeof r === 'object' && typeof r.mode === 'string' ? r : undefined
}

function AddressList ({ label, addresses }: { label: string, addresses: string[] }) {
  if (addresses.length === 0) return null
  return (
    <>
      <dt>{label}</dt>
      <dd><ul class="plain-list">{addresses.map(a => <li key={a}><code class="small">{a}</code></li>)}</ul></dd>
    </>
  )
}

export function Node () {
  const { status, error } = useStatus()
  const self = useObservable(me)
  const names = namesOf(useObservable(contacts))
  const log = useObservable(problems)
  const permission = useObservable(notificationPermission)
  const reachability = status !== undefined ? reachabilityOf(status) : undefined
  const relayErrors = status?.relays.filter(r => r.error !== undefined) ?? []
  return (
    <section class="page" aria-labelledby="node-title">
      <header class="view-header">
        <a class="back" href="#/" aria-label="Back to conversations">‹</a>
        <h1 id="node-title">Your node</h1>
      </header>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
      <section class="card" aria-labelledby="node-state-title">
        <h2 id="node-state-title">State</h2>
        {status === undefined
          ? <p role="status">Reading the node's status…</p>
          : (
            <dl class="facts">
              <dt>Peer ID</dt><dd><code class="peer-id small">{status.peerId}</code></dd>
              {self !== undefined && <><dt>Fingerprint</dt><dd><code class="small">{self.fingerprint}</code></dd></>}
              <dt>Reachability</dt>
              <dd data-testid="reachability">{reachability !== undefined ? describeReachability(reachability) : 'not reported by this node'}</dd>
              {reachability !== undefined && <AddressList label="Public addresses" addresses={reachability.publicAddresses} />}
              {reachability !== undefined && <AddressList label="Relay addresses" addresses={reachability.relayAddresses} />}
              <dt>Connections</dt>
              <dd data-testid="connections">{status.connections}{status.peers.length > 0 && <> to {status.peers.map(p => peerName(p, names)).join(', ')}</>}</dd>
              {status.warnings.length > 0 && (
                <>
                  <dt>Warnings</dt>
                  <dd><ul class="plain-list errors" data-testid="warnings">{status.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul></dd>
                </>
              )}
              <dt>Outbox</dt><dd data-testid="outbox">{status.outbox} waiting</dd>
              <dt>DHT routing table</dt><dd data-testid="dht">{status.dhtRoutingTableSize} peer{status.dhtRoutingTableSize === 1 ? '' : 's'}</dd>
              <dt>One-time prekeys</dt><dd>{status.oneTimePrekeys}</dd>
              <AddressList label="Listening on" addresses={status.listenAddresses} />
            </dl>
            )}
      </section>
      <section class="card" aria-labelledby="errors-title">
        <h2 id="errors-title">Errors</h2>
        {relayErrors.length === 0 && log.length === 0
          ? <p class="hint">Nothing went wrong since this page opened.</p>
          : (
            <ul class="plain-list errors">
              {relayErrors.map(r => <li key={r.peerId}>relay {peerName(r.peerId, names)}: {r.error}</li>)}
              {log.map((p, i) => <li key={i}><time>{formatClock(p.at)}</time> {p.text}</li>)}
            </ul>
            )}
      </section>
      <section class="card" aria-labelledby="page-title">
        <h2 id="page-title">This page</h2>
        {permission === 'granted' && <p>Desktop notifications are on while this tab is hidden.</p>}
        {permission === 'denied' && <p>Notifications are blocked for this page in your browser's settings.</p>}
        {permission === 'default' && <button type="button" class="secondary" onClick={() => { void askNotificationPermission() }}>Show desktop notifications for new messages</button>}
        <p class="hint">Keys: Alt+↑ / Alt+↓ previous / next conversation, Enter sends, Shift+Enter new line, Escape back.</p>
        <button type="button" class="secondary" onClick={() => {
          signOut().then(() => { connection.set('signed-out') }, (err: unknown) => { reportProblem(`signing out failed: ${errorText(err)}; this browser is still signed in`) })
        }}>Sign out of this browser</button>
      </section>
    </section>
  )
}
