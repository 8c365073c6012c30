/**
 * The event stream (GET /events): the library's events as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). Each event is
 * `event: <name>` + `data: <the event detail as JSON>`; a comment line `: ready` tells a client
 * that its subscription is live, and `: ping` comments keep idle connections open.
 */
import type { ServerResponse } from 'node:http'
import type { Murmur } from '../messenger/api-types.js'
import type { MurmurEventName } from '../messenger/events.js'

export const EVENT_NAMES: readonly MurmurEventName[] = ['message', 'message:state', 'conversation:read', 'contacts', 'blocks', 'session:reset', 'decrypt:failed', 'connection', 'reachability', 'warning']

/** A client that lets this much unsent data pile up is cut off rather than buffered forever. */
export const MAX_SSE_BUFFERED_BYTES = 1024 * 1024
export const SSE_HEARTBEAT_MS = 15_000

export function isEventName (name: string): name is MurmurEventName {
  return (EVENT_NAMES as readonly string[]).includes(name)
}

/** Parses `?events=a,b`; undefined means all. Throws a message for an unknown name. */
export function parseEventFilter (value: string | null): MurmurEventName[] | string {
  if (value === null || value === '') return [...EVENT_NAMES]
  const names = value.split(',').map(s => s.trim()).filter(s => s !== '')
  for (const name of names) {
    if (!isEventName(name)) return `unknown event "${name}" (known: ${EVENT_NAMES.join(', ')})`
  }
  return names as MurmurEventName[]
}

export function formatSseEvent (name: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole event.
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * Streams the chosen events of `murmur` into `res` until the client goes away or `close` is
 * called. Returns the function that ends the stream.
 */
export function streamEvents (murmur: Murmur, res: ServerResponse, names: MurmurEventName[], heartbeatMs = SSE_HEARTBEAT_MS, headers: Record<string, string> = {}): () => void {
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no'
  })
  let closed = false
  const unsubscribes: Array<() => void> = []
  const close = (): void => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    for (const unsubscribe of unsubscribes) unsubscribe()
    res.end()
  }
  const write = (chunk: string): void => {
    if (closed) return
    if (res.writableLength > MAX_SSE_BUFFERED_BYTES) {
      closed = true
      clearInterval(heartbeat)
      for (const unsubscribe of unsubscribes) unsubscribe()
      res.destroy()
      return
    }
    res.write(chunk)
  }
  for (const name of names) {
    unsubscribes.push(murmur.events.on(name, (detail) => { write(formatSseEvent(name, detail)) }))
  }
  const heartbeat = setInterval(() => { write(': ping\n\n') }, heartbeatMs)
  heartbeat.unref()
  res.on('close', close)
  write(': ready\n\n')
  return close
}
