/**
 * `murmur inbox` (conversations with unread counts) and `murmur read` (mark one read).
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatConversation, namesOf } from './message-format.js'

export function registerInboxCommands (program: Command): void {
  commonOptions(program.command('inbox'))
    .description('list conversations, newest first, with unread counts')
    .action(run(async (options: CommonOptions) => {
      const client = await connect(options)
      const conversations = await client.call('inbox', {})
      // Relays holding a last message are shown by contact name when they are contacts.
      const names = options.json === true || !conversations.some(c => c.lastMessage?.state === 'stored') ? undefined : namesOf(await client.call('contacts.list', {}))
      print(options, conversations, () => conversations.length === 0 ? 'no conversations yet' : conversations.map(c => formatConversation(c, names)).join('\n'))
    }))

  commonOptions(program.command('read'))
    .description('mark a conversation read (your contact sees read receipts)')
    .argument('<to>', 'name or peer ID of the conversation')
    .action(run(async (to: string, options: CommonOptions) => {
      const result = await (await connect(options)).call('read', { to })
      print(options, result, () => `marked ${result.marked} message${result.marked === 1 ? '' : 's'} read`)
    }))
}
