/**
 * Resolving a `<name|peerId>` argument to a peer ID on the client side, for commands that
 * filter the event stream by peer (history --follow, chat).
 */
import type { ApiClient } from '../../src/api/client.js'
import { nameKey } from '../../src/messenger/names.js'
import { CliError, ExitCode } from '../output.js'

export interface ResolvedPeer {
  peerId: string
  contact?: string
}

const PEER_ID = /^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/

export async function resolvePeer (client: ApiClient, nameOrPeerId: string): Promise<ResolvedPeer> {
  // Space around a pasted peer ID is not part of it, as the node resolves it.
  const wanted = nameOrPeerId.trim()
  const contacts = await client.call('contacts.list', {})
  // A peer ID means that peer before any name is looked at, as the node resolves it
  // (docs/messaging.md, "Contacts"): names compare without case, peer IDs do not.
  const known = contacts.find(c => c.peerId === wanted)
  if (known !== undefined) return { peerId: known.peerId, contact: known.name }
  if (PEER_ID.test(wanted)) return { peerId: wanted }
  const key = nameKey(wanted)
  const match = contacts.find(c => nameKey(c.name) === key)
  if (match !== undefined) return { peerId: match.peerId, contact: match.name }
  throw new CliError(`no contact named "${nameOrPeerId}" (add one with \`murmur contacts add <name> <peerId>\`)`, ExitCode.NOT_FOUND, { errorName: 'ContactNotFoundError' })
}
