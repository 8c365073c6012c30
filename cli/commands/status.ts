/**
 * `murmur status`: what the running node sees (connections, DHT, outbox, prekeys).
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { shortPeerId } from './message-format.js'

export function registerStatusCommand (program: Command): void {
  commonOptions(program.command('status'))
    .description('show the running node: connections, DHT routing table, outbox, listen addresses')
    .action(run(async (options: CommonOptions) => {
      const client = await connect(options)
      const status = await client.call('status', {})
      print(options, status, () => [
        `peer ID         ${status.peerId}`,
        `connections     ${status.connections}${status.peers.length > 0 ? ` (${status.peers.map(shortPeerId).join(', ')})` : ''}`,
        `DHT peers       ${status.dhtRoutingTableSize}`,
        `outbox          ${status.outbox}`,
        `one-time keys   ${status.oneTimePrekeys}`,
        ...status.listenAddresses.map((a, i) => `${i === 0 ? 'listening' : '         '}       ${a}`)
      ].join('\n'))
    }))
}
