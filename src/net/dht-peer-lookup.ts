/**
 * A DHT peer lookup: where the network says a peer can be reached (docs/network.md section 1).
 *
 * Not libp2p's peerRouting.findPeer, for two reasons:
 * - kad-dht answers it from this node's own peer store first, when that knows the peer: the
 *   addresses a caller looks up after they failed come straight back;
 * - it holds "not found" until its signal aborts whenever one DHT's routing table is empty
 *   (kad-dht waits for a first peer before it queries: the WAN DHT of a node on a LAN, or of
 *   any node in its first seconds), although the other DHT has finished.
 * So each DHT is asked over the network, in passes as a contact-record look-up asks it
 * (src/net/lookup-passes.ts: a DHT joins once its table has a peer, and a miss in every DHT
 * ends the look-up at once).
 */
import { logger } from '@libp2p/logger'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { PeerNotFoundError } from './errors.js'
import { DHT_PEER_LOOKUP_PASSES } from './limits.js'
import { allDhtsOf, dhtQuerySignal, runLookupPasses, type DhtNode } from './lookup-passes.js'
import { untilAborted } from './until-aborted.js'

const log = logger('murmur:net:dht-peer-lookup')

/** The peer's addresses from the first DHT peer that knows them; PeerNotFoundError when none does. */
export async function findPeerInDhts (node: DhtNode, peer: PeerId, signal: AbortSignal): Promise<Multiaddr[]> {
  const found = new AbortController()
  let addresses: Multiaddr[] = []
  await runLookupPasses(allDhtsOf(node), AbortSignal.any([signal, found.signal]), async (dht, passSignal) => {
    try {
      const own = dhtQuerySignal(passSignal)
      for await (const event of untilAborted(dht.findPeer(peer, { signal: own, useCache: false }), own)) {
        if (event.name === 'FINAL_PEER' && event.peer.id.equals(peer) && event.peer.multiaddrs.length > 0) {
          addresses = event.peer.multiaddrs
          found.abort()
          return
        }
      }
    } catch (err) {
      if (!passSignal.aborted) log('peer lookup ended early - %e', err)
    }
  }, DHT_PEER_LOOKUP_PASSES)
  signal.throwIfAborted()
  if (addresses.length === 0) throw new PeerNotFoundError(`no DHT peer knows ${peer.toString()}`)
  return addresses
}
