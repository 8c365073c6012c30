/**
 * The routing-table filler (docs/network.md section 8; DESIGN.md "Network and scale").
 *
 * kad-dht fills its routing table from three things: the peers that connect to us, the peers
 * named in the answers to our own queries, and two periodic tasks, the self-query (every 5
 * minutes after the first, 1 s after start) and the table refresh (at start, then every 5
 * minutes). The refresh at start runs while the table is still empty, so it queries nothing;
 * the first self-query meets only the peers near our own key. A node that joined through a
 * few bootstrap peers therefore waited up to 5 minutes with a table of 1 to 10 peers, and
 * lookups from it walked a few hops too few or ended at their bound (docs/benchmarks.md "The
 * reach benchmark": 27 of 40 nodes below 20 peers a minute after start).
 *
 * This service runs, for each DHT, a lookup of a random key while the table holds fewer than
 * `targetPeers` (kad-dht's k): each such query asks peers all over the key space and every
 * peer named in their answers is offered to the table (kad-dht pings it before adding it).
 * While the queries still add peers (those pinged in after a query ended are counted for it at
 * the next look) the next one follows after `initialBackoffMs`; a query that adds nobody
 * doubles the wait up to `maxBackoffMs`, so on a network smaller than the target
 * (5 nodes on a LAN) the filler soon goes quiet. A DHT with an empty table is left to the
 * bootstrapper and to incoming connections: there is no one to ask.
 */
import { randomBytes } from 'node:crypto'
import { serviceCapabilities } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { ComponentLogger, Logger, Startable } from '@libp2p/interface'
import { untilAborted } from '../until-aborted.js'

/** libp2p's components, which hold every service by its name once libp2p has built it. */
export interface TableFillComponents {
  logger: ComponentLogger
  [service: string]: unknown
}

export interface TableFillInit {
  /** The DHT services to keep filled, by their names in the node's services (built before this one). */
  dhts: string[]
  /** Below this many peers in a table, its filler queries. */
  targetPeers: number
  /** Bound on one filling query, in ms. */
  queryTimeoutMs: number
  /** Wait between queries while they add peers, in ms; doubled after a query that adds none. */
  initialBackoffMs: number
  maxBackoffMs: number
  /** How often a table at or above the target is looked at again, in ms. */
  checkIntervalMs: number
}

export interface TableFillStatus {
  name: string
  size: number
  queries: number
  /** Peers the filling queries added to the table, in all. */
  added: number
  /** The wait before the next look while the table is small, in ms. */
  backoffMs: number
}

export interface TableFill {
  status(): TableFillStatus[]
}

/** The routing table is kad-dht's own; its public type shows only the DHT. */
function tableSize (dht: KadDHT): number {
  return (dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? 0
}

interface Filler {
  name: string
  dht: KadDHT
  backoffMs: number
  queries: number
  added: number
  /** The table's size when the last filling query ended; unset while no query's answers are pending. */
  sizeAfterQuery?: number
  timer?: ReturnType<typeof setTimeout>
}

class DefaultTableFill implements TableFill, Startable {
  readonly [Symbol.toStringTag] = '@murmur/table-fill'
  readonly [serviceCapabilities]: string[] = ['@murmur/table-fill']
  private readonly components: TableFillComponents
  private readonly init: TableFillInit
  private readonly log: Logger
  private fillers: Filler[] = []
  private controller = new AbortController()

  constructor (components: TableFillComponents, init: TableFillInit) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('murmur:net:table-fill')
  }

  start (): void {
    this.controller = new AbortController()
  }

  afterStart (): void {
    this.fillers = this.init.dhts.map(name => {
      const dht = this.components[name] as KadDHT | undefined
      if (typeof dht?.getClosestPeers !== 'function') throw new TypeError(`table-fill: no DHT service named "${name}"`)
      return { name, dht, backoffMs: this.init.initialBackoffMs, queries: 0, added: 0 }
    })
    for (const filler of this.fillers) this.schedule(filler, this.init.initialBackoffMs)
  }

  stop (): void {
    this.controller.abort()
    for (const filler of this.fillers) clearTimeout(filler.timer)
  }

  status (): TableFillStatus[] {
    return this.fillers.map(f => ({ name: f.name, size: tableSize(f.dht), queries: f.queries, added: f.added, backoffMs: f.backoffMs }))
  }

  private schedule (filler: Filler, ms: number): void {
    if (this.controller.signal.aborted) return
    filler.timer = setTimeout(() => { void this.tick(filler) }, ms)
    filler.timer.unref?.()
  }

  private async tick (filler: Filler): Promise<void> {
    const before = tableSize(filler.dht)
    // kad-dht pings the peers named in a query's answers before adding them, so some arrive
    // after the query ended: growth since then is the last query's too.
    const late = filler.sizeAfterQuery === undefined ? 0 : Math.max(0, before - filler.sizeAfterQuery)
    filler.added += late
    filler.sizeAfterQuery = undefined
    if (before >= this.init.targetPeers) {
      filler.backoffMs = this.init.initialBackoffMs
      this.schedule(filler, this.init.checkIntervalMs)
      return
    }
    if (before > 0) await this.query(filler)
    if (this.controller.signal.aborted) return
    const after = tableSize(filler.dht)
    const gained = Math.max(0, after - before)
    filler.added += gained
    if (before > 0) filler.sizeAfterQuery = after
    const productive = gained + late > 0
    filler.backoffMs = productive ? this.init.initialBackoffMs : Math.min(this.init.maxBackoffMs, filler.backoffMs * 2)
    this.log.trace('%s routing table %d -> %d peers (%d late from the last query), next look in %d ms', filler.name, before, after, late, filler.backoffMs)
    this.schedule(filler, filler.backoffMs)
  }

  /** One lookup of a random key, drained until it ends or its bound passes. */
  private async query (filler: Filler): Promise<void> {
    filler.queries++
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.init.queryTimeoutMs)])
    try {
      // The answers themselves do the work (kad-dht offers every peer they name to the table).
      for await (const _event of untilAborted(filler.dht.getClosestPeers(randomBytes(32), { signal }), signal));
    } catch (err) {
      if (!this.controller.signal.aborted) this.log('%s filling query ended early - %e', filler.name, err)
    }
  }
}

export function tableFill (init: TableFillInit): (components: TableFillComponents) => TableFill {
  return (components) => new DefaultTableFill(components, init)
}
