/**
 * One event stream (GET /events) for every tab of the app in this browser, not one per tab.
 *
 * Why: a browser keeps at most 6 HTTP/1.1 connections per host, and an event stream holds one
 * for as long as it is open. With one stream per tab, the sixth tab left no connection for any
 * call: every tab's calls waited, and the seventh tab never even opened. So one tab, the leader,
 * holds the stream and forwards its events to the others over a BroadcastChannel; any number
 * of tabs then use one long-lived connection between them.
 *
 * The leader is whichever tab holds a Web Lock (navigator.locks). Every tab asks for it; the
 * browser grants it to one, and when that tab closes (or crashes) to the next in line, which
 * opens a stream of its own. Neither API needs a change to the Content-Security-Policy (no
 * worker script, no Trusted Types sink). Where they are missing (a page not served from a
 * secure context, such as an address on the LAN), each tab has its own stream, as before.
 *
 * Each stream has an id. A tab's link (link.ts) attaches to the stream that was open when it
 * asked, and is broken when that stream ends or the leader changes: events may have been missed
 * in between, so the link is replaced and the state read again (live.ts), as after a node
 * restart. Messages from the leader arrive in the order it sent them, so a link that reads the
 * state after its stream is announced open misses nothing, as with a stream of its own.
 */
import type { LinkEvent } from './link.js'
import { randomId } from './random-id.js'

/** The BroadcastChannel the leader forwards the stream on (tests listen to it too). */
export const STREAM_CHANNEL = 'murmur-events'
const LEADER_LOCK = 'murmur-events-leader'

/** What tabs tell each other on the channel. */
export type StreamWire =
  /** A tab wants the stream: the leader opens it, or says it is open. */
  | { t: 'want' }
  /** A new leader: links attached to the old one's stream are broken; links waiting ask again. */
  | { t: 'leader' }
  /** Stream `s` is open (sent again, unchanged, for each tab that asks). */
  | { t: 'open', s: string }
  | { t: 'event', s: string, event: LinkEvent }
  /** Stream `s` ended (the node stopped, or signed this browser out). */
  | { t: 'broken', s: string }
  /** The node refused the stream, or could not be reached, before it opened. */
  | { t: 'refused' }

/** What a link hears about the shared stream. */
export type StreamListener = (wire: StreamWire) => void

/** The names of the events forwarded (link.ts LINK_EVENTS); set by link.ts to avoid an import cycle. */
let eventNames: readonly string[] = []

const listeners = new Set<StreamListener>()
let started = false
let channel: BroadcastChannel | undefined
let leader = false
let source: EventSource | undefined
/** The id of the stream `source` holds, once it is open. */
let openStream: string | undefined

/** To this tab's links, and (from the leader) to every other tab's. */
function emit (wire: StreamWire): void {
  channel?.postMessage(wire)
  deliverHere(wire)
}

function deliverHere (wire: StreamWire): void {
  for (const listener of [...listeners]) listener(wire)
  if (wire.t === 'open') for (const watcher of [...openWatchers]) watcher()
}

/** Told when a stream opens, without asking for one (onStreamOpen). */
const openWatchers = new Set<() => void>()

/**
 * Calls `watcher` whenever another tab (or this one) has the shared stream open: a tab that is
 * not signed in learns that this browser now is (signed in from another tab). Asks for nothing.
 * Returns the function that stops watching.
 */
export function onStreamOpen (watcher: () => void): () => void {
  start()
  openWatchers.add(watcher)
  return () => { openWatchers.delete(watcher) }
}

/** The leader's stream: opened when a tab wants it and none is open or opening. */
function ensureStream (): void {
  if (source !== undefined) {
    if (openStream !== undefined) emit({ t: 'open', s: openStream })
    return
  }
  const id = randomId()
  const current = new EventSource('/events')
  source = current
  for (const name of eventNames) {
    current.addEventListener(name, (event) => {
      if (openStream === id) emit({ t: 'event', s: id, event: { name, data: (event as MessageEvent<string>).data } as LinkEvent })
    })
  }
  current.addEventListener('open', () => {
    if (source !== current || openStream === id) return
    openStream = id
    emit({ t: 'open', s: id })
  })
  current.addEventListener('error', () => {
    // EventSource would retry by itself after a network error, but not after a 401; the links
    // decide instead (live.ts): they ask again, with backoff, and a new stream is opened then.
    current.close()
    if (source !== current) return
    source = undefined
    const wasOpen = openStream === id
    openStream = undefined
    emit(wasOpen ? { t: 'broken', s: id } : { t: 'refused' })
  })
}

function becomeLeader (): void {
  leader = true
  emit({ t: 'leader' })
  if (listeners.size > 0) ensureStream()
}

function onWire (wire: StreamWire): void {
  if (wire.t === 'want') {
    if (leader) ensureStream()
    return
  }
  // A want sent before this leader held the lock may have gone to a tab that has closed since.
  if (wire.t === 'leader' && !leader && listeners.size > 0) channel?.postMessage({ t: 'want' })
  deliverHere(wire)
}

function start (): void {
  if (started) return
  started = true
  const locks = (navigator as Navigator & { locks?: LockManager }).locks
  if (locks === undefined || typeof BroadcastChannel === 'undefined') {
    leader = true
    return
  }
  channel = new BroadcastChannel(STREAM_CHANNEL)
  channel.onmessage = (message: MessageEvent<StreamWire>) => { onWire(message.data) }
  // Held for the page's life: the browser releases it when the tab goes.
  locks.request(LEADER_LOCK, async () => {
    becomeLeader()
    await new Promise<never>(() => {})
  }).catch(() => {})
}

/**
 * Listens to the shared stream and asks for it: the listener then hears `open` (at once if the
 * stream is open), or `refused`. Returns the function that stops listening.
 */
export function subscribe (names: readonly string[], listener: StreamListener): () => void {
  eventNames = names
  start()
  listeners.add(listener)
  // Not before the caller has its unsubscribe: the answer may come at once.
  if (leader) queueMicrotask(() => { if (listeners.has(listener) && leader) ensureStream() })
  else channel?.postMessage({ t: 'want' })
  return () => { listeners.delete(listener) }
}
