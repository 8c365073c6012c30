/**
 * A local TCP port for one punch attempt. Node 20 cannot share the listening port with an
 * outgoing socket (no SO_REUSEPORT), so each attempt dials from a fresh port of its own,
 * reserved here by binding it once; libuv binds client sockets with SO_REUSEADDR, so the
 * dial can bind it again right after.
 */
import { createServer } from 'node:net'

/**
 * A port free on both families: a dual-stack socket on `::` holds it for IPv4 too. Without IPv6
 * on the machine, on 0.0.0.0.
 */
export async function reservePort (): Promise<number> {
  return await reserveOn('::').catch(async () => await reserveOn('0.0.0.0'))
}

async function reserveOn (host: string): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => {
        if (port > 0) resolve(port)
        else reject(new Error('no port'))
      })
    })
  })
}
