/**
 * The passes of one DHT look-up over several DHTs (docs/network.md "Contact-record look-ups").
 *
 * One kad-dht query asks the peers its routing table knows at that moment, and the answer
 * "not found" only means that those peers, then, did not hold the value. Right after a node
 * starts that is often wrong (measured behind real NATs: test/nat/reach.test.ts):
 * - a DHT whose routing table is still empty when the look-up starts would never be asked (the
 *   WAN DHT gets its first server only when the public node's AutoNAT confirms it, ~1.5 s in),
 *   while the other DHT's query waits on a dial to a NATed peer that the network drops;
 * - the owner may publish its record while the query runs, after the peers were asked.
 * So a DHT joins a running look-up as soon as its table gets a first peer, and a DHT whose
 * query ended without the value is asked again, within the same budget, when its table gained
 * a peer since, or at most every `repassMs` while another DHT's query still holds the look-up
 * open (its wait costs nothing then). A look-up whose DHTs are all done with nothing due ends
 * at once: a miss is not held to the whole budget.
 */
import { setMaxListeners } from 'node:events'
import type { Libp2p } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

export interface LookupPassLimits {
  /** At most this many queries in one DHT per look-up. */
  maxPasses: number
  /** A DHT whose query ended is asked again at most this often while another still runs, in ms. */
  repassMs: number
}

/** kad-dht's routing table: its size and its 'peer:add' event (not in KadDHT's public type). */
export interface RoutingTableView extends EventTarget { size: number }

/**
 * Any libp2p node with a kad-dht service named `dht` (the WAN DHT) and optionally `lanDht` (the
 * LAN DHT); createNode gives both. Records are put into and looked up in every DHT it has.
 */
export type DhtNode = Libp2p<{ dht: KadDHT, lanDht?: KadDHT }>

/** Every DHT of a node, the LAN DHT first (createNode gives both; a look-up asks each, once it has peers). */
export function allDhtsOf (node: DhtNode): KadDHT[] {
  return node.services.lanDht != null ? [node.services.lanDht, node.services.dht] : [node.services.dht]
}

/** Well above kad-dht's k = 20 requests in flight per query, low enough to still catch a leak. */
const DHT_QUERY_MAX_LISTENERS = 64

/**
 * The signal one DHT's query runs under. kad-dht sends a put or get to up to k = 20 peers in
 * parallel and each request adds its own abort listener to this signal, past Node's warning at
 * 10 (MaxListenersExceededWarning from kad-dht's network.sendRequest): those listeners are
 * expected, and removed as each request ends.
 */
export function dhtQuerySignal (signal: AbortSignal): AbortSignal {
  const own = AbortSignal.any([signal])
  setMaxListeners(DHT_QUERY_MAX_LISTENERS, own)
  return own
}

export function routingTableOf (dht: KadDHT): RoutingTableView | undefined {
  return (dht as unknown as { routingTable?: RoutingTableView }).routingTable
}

interface DhtState {
  dht: KadDHT
  table: RoutingTableView | undefined
  running: boolean
  passes: number
  /** The table gained a peer since this DHT's last query started. */
  grew: boolean
  endedAt: number
}

/**
 * Runs `query` in each DHT, again as described above, until `signal` aborts (the caller's
 * budget, or the value found) or no query runs and none is due. Resolves with the number of
 * queries run; never rejects (a query's own failure ends that pass only).
 */
export async function runLookupPasses (dhts: KadDHT[], signal: AbortSignal, query: (dht: KadDHT, signal: AbortSignal) => Promise<void>, limits: LookupPassLimits): Promise<number> {
  const states: DhtState[] = dhts.map(dht => ({ dht, table: routingTableOf(dht), running: false, passes: 0, grew: false, endedAt: 0 }))
  let total = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const listeners: Array<() => void> = []

  return await new Promise<number>((resolve) => {
    let finished = false
    const finish = (): void => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      for (const remove of listeners) remove()
      resolve(total)
    }
    const size = (s: DhtState): number => s.table?.size ?? 1
    const start = (s: DhtState): void => {
      s.running = true
      s.grew = false
      s.passes++
      total++
      void query(s.dht, signal).catch(() => {}).finally(() => {
        s.running = false
        s.endedAt = Date.now()
        evaluate()
      })
    }
    const evaluate = (): void => {
      if (finished) return
      clearTimeout(timer)
      timer = undefined
      if (signal.aborted) {
        if (!states.some(s => s.running)) finish()
        return
      }
      const now = Date.now()
      let nextDue = Infinity
      for (const s of states) {
        if (s.running || s.passes >= limits.maxPasses || size(s) === 0) continue
        const othersRunning = states.some(o => o !== s && o.running)
        if (s.passes === 0 || s.grew) {
          start(s)
        } else if (othersRunning) {
          const due = s.endedAt + limits.repassMs
          if (due <= now) start(s)
          else nextDue = Math.min(nextDue, due)
        }
      }
      if (states.some(s => s.running)) {
        if (nextDue < Infinity) timer = setTimeout(evaluate, nextDue - now)
        return
      }
      // Nothing runs: done, unless no DHT had a peer to ask yet (then the first one to get a
      // peer starts the look-up; the caller's budget bounds the wait).
      if (total > 0) finish()
    }
    for (const s of states) {
      if (s.table == null) continue
      const onPeer = (): void => {
        s.grew = true
        evaluate()
      }
      s.table.addEventListener('peer:add', onPeer)
      listeners.push(() => { s.table?.removeEventListener('peer:add', onPeer) })
    }
    signal.addEventListener('abort', evaluate, { once: true })
    listeners.push(() => { signal.removeEventListener('abort', evaluate) })
    evaluate()
  })
}
