/**
 * `murmur trust add|list|remove`: the peers this node relays for (DESIGN.md "Relays"). A
 * trusted peer may keep a mailbox here and hand us envelopes to forward; we only ever see
 * ciphertext.
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatTrust } from './message-format.js'
import { resolvePeer } from './resolve.js'

export function registerTrustCommands (program: Command): void {
  const trust = program.command('trust').description('the peers you relay for (hold and forward their encrypted messages)')

  commonOptions(trust.command('add'))
    .description('relay for a peer: it may keep a mailbox here and leave messages for others to forward')
    .argument('<peer>', 'the peer\'s peer ID (12D3KooW...), or its name when it is a contact')
    .action(run(async (peerId: string, options: CommonOptions) => {
      const client = await connect(options)
      const added = await client.call('trust.add', { peerId: (await resolvePeer(client, peerId)).peerId })
      print(options, added, () => `trusting ${added.peerId}: you now relay for it (it can run \`murmur relays add <your peer ID>\`)`)
    }))

  commonOptions(trust.command('list'))
    .description('list the peers you relay for')
    .action(run(async (options: CommonOptions) => {
      const list = await (await connect(options)).call('trust.list', {})
      print(options, list, () => list.length === 0
        ? 'you relay for nobody (add a peer with `murmur trust add <peerId>`)'
        : list.map(formatTrust).join('\n'))
    }))

  commonOptions(trust.command('remove'))
    .description('stop relaying for a peer (what is held for it can still be fetched)')
    .argument('<peer>', 'the peer\'s peer ID, or its name when it is a contact')
    .action(run(async (peerId: string, options: CommonOptions) => {
      const client = await connect(options)
      const removed = await client.call('trust.remove', { peerId: (await resolvePeer(client, peerId)).peerId })
      print(options, removed, () => `no longer relaying for ${removed.peerId}`)
    }))
}
