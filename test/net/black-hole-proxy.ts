/**
 * A TCP proxy on 127.0.0.1 in front of a real listener, whose path can be made to die without
 * a word: after `cut()` it forwards nothing either way and closes nothing, as a network that
 * drops packets does (a relay's host gone off the network, a router that lost its state).
 * Both ends' sockets stay open; what they write is read by the proxy and thrown away.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'

export interface BlackHoleProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** Connections made through the proxy so far. */
  connections: () => number
  /** From now on nothing passes, on open connections and on new ones. */
  cut: () => void
  close: () => Promise<void>
}

/** `port`: the port to listen on (else any free one). */
export async function startBlackHoleProxy (targetPort: number, options: { port?: number } = {}): Promise<BlackHoleProxy> {
  let cut = false
  let count = 0
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => { sockets.delete(socket) })
    // A reset from one end must not end the test process.
    socket.on('error', () => {})
  }
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => { if (!cut) to.write(chunk) })
    from.on('end', () => { if (!cut) to.end() })
  }
  const server: Server = createServer((inbound) => {
    count++
    track(inbound)
    const outbound = createConnection({ host: '127.0.0.1', port: targetPort })
    track(outbound)
    forward(inbound, outbound)
    forward(outbound, inbound)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => { resolve() })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port')
  return {
    port: address.port,
    connections: () => count,
    cut: () => { cut = true },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}
