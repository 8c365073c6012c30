/**
 * A real libp2p peer that takes DHT streams and never answers: to a query that asks it, as a
 * peer whose addresses the network drops, it holds one request until its timeout.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'

export interface SilentPeer {
  node: Libp2p
  /** The streams it took (and holds) so far. */
  held: Array<{ abort: (err: Error) => void }>
  /** Aborts the held streams and stops the node. */
  stop: () => Promise<void>
}

export async function startSilentPeer (protocol: string): Promise<SilentPeer> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
  const held: SilentPeer['held'] = []
  await node.handle(protocol, (stream) => { held.push(stream) })
  return {
    node,
    held,
    stop: async () => {
      for (const stream of held) stream.abort(new Error('test over'))
      await node.stop()
    }
  }
}
