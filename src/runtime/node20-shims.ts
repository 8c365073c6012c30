/**
 * Node 20 shims that libp2p 3 needs before it loads.
 *
 * - `Promise.withResolvers` (ES2024) is used by libp2p, yamux, noise, tcp, websockets,
 *   kad-dht and friends; on Node 20 the connection upgrade fails without it.
 * - The WebSockets transport dials with a global `WebSocket`, which Node 20 lacks; the
 *   `ws` package provides a compatible one. `ws` is an EventEmitter that throws when an 'error'
 *   event has no listener, and libp2p removes its listeners when it abandons a dial (a timeout,
 *   an abort): a black-holed `/ws` address then failed later with ETIMEDOUT and ended the
 *   process. The global here is a subclass that always keeps one listener, so such a late
 *   error is dropped; listeners that libp2p adds still see every error.
 *
 * - `ws` refuses the close code libp2p resets a WebSocket connection with (below).
 *
 * - `AbortSignal.timeout(ms)` given to `AbortSignal.any([...])` never fires on Node 20 if a
 *   garbage collection runs before the timeout: the composite holds its sources only weakly,
 *   and a timeout signal with no listener of its own is not kept alive, so it is collected and
 *   the composite never aborts (test/runtime/abort-timeout.test.ts reproduces it; later Node
 *   versions keep the sources). Every bounded wait in murmur composes its deadline this way,
 *   so under load a publish, a send or a dial could wait forever (a message left `queued`,
 *   a contact record never published). The shim gives every timeout
 *   signal a listener, which makes Node hold it until it fires; it costs a signal and a timer
 *   kept until the deadline, as Node keeps anyway for a timeout signal that is listened to.
 *
 * Import this module first, before anything that imports libp2p: `murmur start` loads it before
 * the node (cli/commands/start.ts), vitest before every test file (test/setup.ts), and the
 * benchmark workers as their first import. It lives outside src/net because it is process
 * set-up, not part of the network layer: nothing in src/ imports it.
 */
import { WebSocket as WsWebSocket } from 'ws'

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }

if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = function withResolvers<T> (): Resolvers<T> {
    let resolve!: Resolvers<T>['resolve']
    let reject!: Resolvers<T>['reject']
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

/** `ws`'s WebSocket that never turns an unobserved 'error' into an uncaught exception. */
class QuietWebSocket extends WsWebSocket {
  constructor (...args: ConstructorParameters<typeof WsWebSocket>) {
    super(...args)
    this.on('error', ignoreLateError)
  }
}

function ignoreLateError (): void {}

/** RFC 6455 section 7.4.1: "closed abnormally", a status for endpoints to report, never to send. */
const ABNORMAL_CLOSURE = 1006

const timeout = AbortSignal.timeout.bind(AbortSignal)

function keepUntilFired (): void {}

AbortSignal.timeout = function heldTimeout (ms: number): AbortSignal {
  const signal = timeout(ms)
  signal.addEventListener('abort', keepUntilFired, { once: true })
  return signal
}

/**
 * A WebSocket connection that libp2p aborts (a dial-back that AutoNAT ends, a stream reset,
 * a connection given up) is reset with `websocket.close(1006)` (@libp2p/websockets 10,
 * `sendReset`). 1006 means "closed abnormally, no close frame": it may not be sent, and `ws`
 * (like a browser) throws instead of closing. libp2p catches that, so the socket stayed open:
 * the peer at the other end kept a connection whose multiplexer was gone, with nothing to tell
 * it, and libp2p kept choosing it for new streams to that peer. Every stream then failed ("The
 * connection muxer is closed") until our liveness ping gave up on it, seconds later: a new
 * node's first look-ups and first message waited that long (docs/network.md, "Connection
 * liveness"; test/net/node.test.ts). What 1006 asks for is a socket dropped without a close
 * frame: `terminate()`. Patched on `ws`'s class, not only on the global, because the
 * listener's sockets are made by `ws`'s server.
 */
const wsClose = WsWebSocket.prototype.close
WsWebSocket.prototype.close = function closeOrDrop (this: WsWebSocket, code?: number, reason?: string | Buffer): void {
  if (code === ABNORMAL_CLOSURE) {
    this.terminate()
    return
  }
  wsClose.call(this, code, reason)
}

const g = globalThis as unknown as { WebSocket?: unknown }
if (typeof g.WebSocket === 'undefined') {
  g.WebSocket = QuietWebSocket
}

export {}
