/**
 * `murmur status`: what the running node sees (connections, DHT, outbox, prekeys), our
 * mailboxes at relays, and what we relay for others.
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatRelay, namesOf, shortPeerId } from './message-format.js'

function plural (n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

export function registerStatusCommand (program: Command): void {
  commonOptions(program.command('status'))
    .description('show the running node: connections, DHT routing table, outbox, listen addresses, relays')
    .action(run(async (options: CommonOptions) => {
      const client = await connect(options)
      const status = await client.call('status', {})
      // Relays that are contacts are shown by name.
      const names = options.json === true || status.relays.length === 0 ? undefined : namesOf(await client.call('contacts.list', {}))
      print(options, status, () => [
        `peer ID         ${status.peerId}`,
        `store           ${status.storeEncrypted ? 'encrypted (passphrase)' : 'NOT encrypted: this home was made without a passphrase'}`,
        `connections     ${status.connections}${status.peers.length > 0 ? ` (${status.peers.map(shortPeerId).join(', ')})` : ''}`,
        `DHT peers       ${status.dhtRoutingTableSize}`,
        `outbox          ${status.outbox}`,
        `one-time keys   ${status.oneTimePrekeys}`,
        ...status.listenAddresses.map((a, i) => `${i === 0 ? 'listening' : '         '}       ${a}`),
        status.relays.length === 0 ? 'mailboxes       none (add a relay with `murmur relays add <peerId>`)' : `mailboxes       ${status.relays.length}`,
        ...status.relays.map(r => `  ${formatRelay(r, { short: true, ...(names !== undefined ? { names } : {}) })}`),
        `relaying for    ${plural(status.relaying.trusted, 'trusted peer')}: ${plural(status.relaying.mailboxes, 'mailbox', 'mailboxes')}, ${plural(status.relaying.forwardQueued, 'message')} to forward`
      ].join('\n'))
    }))
}
