/**
 * `murmur contacts add|list|rename|remove|verify`: the local address book. A contact is a
 * peer ID with a local name (DESIGN.md "Identity and addressing").
 */
import type { Command } from 'commander'
import { print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatContacts } from './message-format.js'

export function registerContactsCommands (program: Command): void {
  const contacts = program.command('contacts').description('add, list, rename, remove and verify contacts')

  commonOptions(contacts.command('add'))
    .description('add a contact by peer ID under a local name')
    .argument('<name>', 'a local name for the contact')
    .argument('<peerId>', 'the contact\'s peer ID (their address, 12D3KooW...)')
    .action(run(async (name: string, peerId: string, options: CommonOptions) => {
      const contact = await (await connect(options)).call('contacts.add', { name, peerId })
      print(options, contact, () => `added ${contact.name} (${contact.peerId})`)
    }))

  commonOptions(contacts.command('list'))
    .description('list your contacts')
    .action(run(async (options: CommonOptions) => {
      const list = await (await connect(options)).call('contacts.list', {})
      print(options, list, () => list.length === 0 ? 'no contacts yet (add one with `murmur contacts add <name> <peerId>`)' : formatContacts(list))
    }))

  commonOptions(contacts.command('rename'))
    .description('rename a contact')
    .argument('<contact>', 'name or peer ID of the contact')
    .argument('<newName>', 'the new name')
    .action(run(async (contact: string, newName: string, options: CommonOptions) => {
      const renamed = await (await connect(options)).call('contacts.rename', { contact, newName })
      print(options, renamed, () => `renamed to ${renamed.name} (${renamed.peerId})`)
    }))

  commonOptions(contacts.command('remove'))
    .description('remove a contact (the conversation history is kept)')
    .argument('<contact>', 'name or peer ID of the contact')
    .action(run(async (contact: string, options: CommonOptions) => {
      const removed = await (await connect(options)).call('contacts.remove', { contact })
      print(options, removed, () => `removed ${removed.name} (${removed.peerId})`)
    }))

  commonOptions(contacts.command('verify'))
    .description('show the safety number shared with a contact; compare it with theirs, then --confirm')
    .argument('<contact>', 'name or peer ID of the contact')
    .option('--confirm', 'mark the contact verified (only after the numbers matched)')
    .action(run(async (contact: string, options: CommonOptions & { confirm?: boolean }) => {
      const view = await (await connect(options)).call('contacts.verify', { contact, ...(options.confirm === true ? { confirm: true } : {}) })
      const who = view.contact ?? view.peerId
      print(options, view, () => [
        `safety number with ${who}:`,
        `  ${view.safetyNumber}`,
        view.verified
          ? `${who} is verified.`
          : `Compare it with ${who}'s screen; if every digit matches, run \`murmur contacts verify ${contact} --confirm\`.`
      ].join('\n'))
    }))
}
