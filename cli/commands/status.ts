/**
 * `murmur status`: how others reach this node, what it sees (connections direct or relayed,
 * DHTs, bootstrap peers), what waits in its outbox and why, our mailboxes at relays, and what
 * we relay for others.
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
      const who = (peerId: string, contact?: string): string => contact ?? shortPeerId(peerId)
      print(options, status, () => [
        `peer ID         ${status.peerId}`,
        `store           ${status.storeEncrypted ? 'encrypted (passphrase)' : 'NOT encrypted: this home was made without a passphrase'}`,
        `reachable       ${status.reachability.detail}`,
        `connections     ${status.connections}`,
        ...status.connectionList.map(c => `  ${who(c.peerId, c.contact)}  ${c.kind}${c.kind === 'relayed' && c.limited ? ' (limited)' : ''}, ${c.direction}`),
        `DHT peers       ${status.dhtRoutingTableSize} (LAN ${status.dht.lan}, WAN ${status.dht.wan} as ${status.dht.wanMode})`,
        status.record != null ? `contact record  published to ${plural(status.record.peers, 'DHT peer')}` : 'contact record  not published yet',
        ...status.bootstrap.map(b => `bootstrap       ${shortPeerId(b.peerId)} ${b.connected ? 'connected' : `not connected after ${plural(b.attempts, 'attempt')}${b.lastError !== undefined ? `: ${b.lastError}` : ''}`}`),
        ...status.warnings.map(w => `warning         ${w}`),
        `outbox          ${status.outbox}`,
        ...status.queued.map(q => `  ${q.id.slice(0, 8)} to ${who(q.peerId, q.contact)}: ${q.state}${q.reason !== undefined ? ` - ${q.reason}` : ''}`),
        `one-time keys   ${status.oneTimePrekeys}`,
        ...status.listenAddresses.map((a, i) => `${i === 0 ? 'listening' : '         '}       ${a}`),
        status.relays.length === 0 ? 'mailboxes       none (add a relay with `murmur relays add <peerId>`)' : `mailboxes       ${status.relays.length}`,
        ...status.relays.map(r => `  ${formatRelay(r, { short: true, ...(names !== undefined ? { names } : {}) })}`),
        `relaying for    ${plural(status.relaying.trusted, 'trusted peer')}: ${plural(status.relaying.mailboxes, 'mailbox', 'mailboxes')}, ${plural(status.relaying.forwardQueued, 'message')} to forward`
      ].join('\n'))
    }))
}
