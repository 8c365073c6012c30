/**
 * `murmur lookup <peer>`: where a peer says it can be reached, from its signed contact record
 * in the DHTs (docs/network.md section 5). Read-only: nothing is dialled or stored. The question
 * to ask when a message stays queued with "peer not found": does the network know this peer?
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatTime, shortPeerId } from './message-format.js'

export function registerLookupCommand (program: Command): void {
  commonOptions(program.command('lookup'))
    .description('where a peer can be reached: its addresses and mailboxes, from its contact record in the DHTs')
    .argument('<peer>', 'the peer\'s peer ID (12D3KooW...), or its name when it is a contact')
    .action(run(async (peer: string, options: CommonOptions) => {
      const found = await (await connect(options)).call('lookup', { peer })
      print(options, found, () => [
        `peer ID    ${found.peerId}${found.contact !== undefined ? ` (${found.contact})` : ''}`,
        `record     sequence ${found.sequence}, signed ${formatTime(found.createdAt)}, found in ${Math.round(found.ms)} ms`,
        ...(found.addresses.length === 0 ? ['addresses  none'] : found.addresses.map((a, i) => `${i === 0 ? 'addresses' : '         '}  ${a}`)),
        ...(found.mailboxes.length === 0
          ? ['mailboxes  none']
          : found.mailboxes.map((m, i) => `${i === 0 ? 'mailboxes' : '         '}  ${shortPeerId(m.peerId)}${m.addresses.length > 0 ? ` at ${m.addresses.join(', ')}` : ''}`)),
        `bundle     ${found.bundle.valid ? `signed prekey ${found.bundle.signedPreKeyId}, last-resort prekey ${found.bundle.lastResortPreKeyId}` : `does not verify: ${found.bundle.error}`}`
      ].join('\n'))
    }))
}
