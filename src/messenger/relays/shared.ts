/** What the three relay parts of the messenger share: the node's services and peer-store hints. */
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import { identityKeyFromPeerIdBytes, peerIdFromIdentityKey } from '../../crypto/identity.js'
import type { MurmurNode } from '../../net/node.js'
import type { MailboxService } from '../../relay/index.js'

export type RelayServices = { mailbox: MailboxService }
export type RelayNode = () => MurmurNode<RelayServices>

/** One mailbox (relay) call, dial included. */
export const CALL_TIMEOUT_MS = 10_000

/** Tells the peer store where `peer` was last seen (a relay's address from a record or from the user). */
export async function learnAddresses (node: MurmurNode<RelayServices>, peer: PeerId, addresses: string[]): Promise<void> {
  if (addresses.length === 0) return
  await node.peerStore.merge(peer, { multiaddrs: addresses.map(a => multiaddr(a)) })
}

/** Peer ID bytes (Ed25519 identity multihash) to the peer ID string; InvalidPeerIdError otherwise. */
export function peerIdString (bytes: Uint8Array): string {
  return peerIdFromIdentityKey(identityKeyFromPeerIdBytes(bytes))
}
