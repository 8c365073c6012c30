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
      // Text only: the JSON is the API's `inbox` as it is (`blocked` says whom).
      const blocked = options.json === true || conversations.length === 0 ? new Set<string>() : new Set((await client.call('blocked', {})).map(b => b.peerId))
      print(options, conversations, () => conversations.length === 0 ? 'no conversations yet' : conversations.map(c => formatConversation(c, names, blocked.has(c.peerId))).join('\n'))
    }))

  commonOptions(program.command('read'))
    .description('mark a conversation read (your contact sees read receipts)')
    .argument('<to>', 'name or peer ID of the conversation')
    .action(run(async (to: string, options: CommonOptions) => {
      const result = await (await connect(options)).call('read', { to })
      print(options, result, () => `marked ${result.marked} message${result.marked === 1 ? '' : 's'} read`)
    }))
}
