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
  const contacts = await client.call('contacts.list', {})
  const wanted = nameKey(nameOrPeerId)
  const match = contacts.find(c => nameKey(c.name) === wanted || c.peerId === nameOrPeerId)
  if (match !== undefined) return { peerId: match.peerId, contact: match.name }
  if (PEER_ID.test(nameOrPeerId)) return { peerId: nameOrPeerId }
  throw new CliError(`no contact named "${nameOrPeerId}" (add one with \`murmur contacts add <name> <peerId>\`)`, ExitCode.NOT_FOUND, { errorName: 'ContactNotFoundError' })
}
