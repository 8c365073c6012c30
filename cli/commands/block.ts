/**
 * `murmur block`, `unblock` and `blocked`: the peers this node takes nothing from and sends
 * nothing to (src/messenger/blocks.ts, docs/messaging.md "Blocking").
 */
import type { Command } from 'commander'
import type { BlockedView } from '../../src/messenger/api-types.js'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatTime } from './message-format.js'

/** `bob (12D3KooW...)`, or the peer ID alone when the peer is no contact. */
function who (b: BlockedView): string {
  return b.contact !== undefined ? `${b.contact} (${b.peerId})` : b.peerId
}

function formatBlocked (b: BlockedView): string {
  return `${who(b)}  since ${formatTime(b.blockedAt)}`
}

export function registerBlockCommands (program: Command): void {
  commonOptions(program.command('block'))
    .description('block a peer: what it sends is dropped unread, and nothing goes to it')
    .argument('<peer>', 'a contact\'s name, or a peer ID (12D3KooW...)')
    .action(run(async (peer: string, options: CommonOptions) => {
      const blocked = await (await connect(options)).call('block', { peer })
      print(options, blocked, () => `blocked ${who(blocked)}: what it sends is dropped unread, and nothing goes to it (\`murmur unblock\` undoes it)`)
    }))

  commonOptions(program.command('unblock'))
    .description('unblock a peer: its messages are taken again, and yours go to it')
    .argument('<peer>', 'a contact\'s name, or a peer ID')
    .action(run(async (peer: string, options: CommonOptions) => {
      const unblocked = await (await connect(options)).call('unblock', { peer })
      print(options, unblocked, () => `unblocked ${who(unblocked)}`)
    }))

  commonOptions(program.command('blocked'))
    .description('list the peers you blocked')
    .action(run(async (options: CommonOptions) => {
      const list = await (await connect(options)).call('blocked', {})
      print(options, list, () => list.length === 0 ? 'you blocked nobody' : list.map(formatBlocked).join('\n'))
    }))
}
