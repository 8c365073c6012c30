/**
 * `murmur chat <name|peerId>`: an interactive conversation in the terminal. Recent history
 * above, a prompt below (node:readline); incoming messages and delivery-state changes are
 * printed live above the prompt. The conversation is marked read while the chat is open.
 */
import { clearLine, createInterface, cursorTo } from 'node:readline'
import type { Command } from 'commander'
import type { MessageView } from '../../src/messenger/types.js'
import { toCliError } from '../errors.js'
import { CliError, ExitCode } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatMessage, formatStateChange, shortPeerId } from './message-format.js'
import { resolvePeer } from './resolve.js'

/** How many earlier messages the chat shows when it opens. */
export const CHAT_HISTORY_LIMIT = 20

export function registerChatCommand (program: Command): void {
  commonOptions(program.command('chat'))
    .description('chat interactively with a contact (Ctrl-C or Ctrl-D to leave)')
    .argument('<to>', 'name or peer ID of the contact')
    .action(run(async (to: string, options: CommonOptions) => {
      if (options.json === true) throw new CliError('chat is interactive and has no --json output; use `history --follow --json` and `send`', ExitCode.USAGE)
      const client = await connect(options)
      const peer = await resolvePeer(client, to)
      const label = peer.contact ?? shortPeerId(peer.peerId)
      const subscription = await client.events({ names: ['message', 'message:state'] })
      const history = await client.call('history', { to: peer.peerId, limit: CHAT_HISTORY_LIMIT })
      const shown = new Set<string>(history.map(m => m.id))
      // The latest state of each message: a state change can arrive before `send` answers.
      const stateById = new Map<string, string>()
      const output = process.stdout
      output.write(`chat with ${label} (${peer.peerId}); Ctrl-C or Ctrl-D to leave\n`)
      for (const m of history) output.write(formatMessage(m, peer.contact) + '\n')

      const rl = createInterface({ input: process.stdin, output, prompt: `${label}> `, terminal: process.stdin.isTTY === true })
      // Print above the prompt: clear the prompt line, print, redraw the prompt with what was typed.
      const printAbove = (line: string): void => {
        if (rl.terminal) {
          clearLine(output, 0)
          cursorTo(output, 0)
          output.write(line + '\n')
          rl.prompt(true)
        } else {
          output.write(line + '\n')
        }
      }
      const markRead = (): void => {
        client.call('read', { to: peer.peerId }).catch(() => { /* retried at the next message */ })
      }
      markRead()

      let leaving = false
      const events = (async () => {
        for await (const event of subscription) {
          if (!('peerId' in event.data) || event.data.peerId !== peer.peerId) continue
          if (event.event === 'message') {
            if (shown.has(event.data.id)) continue
            shown.add(event.data.id)
            printAbove(formatMessage(event.data, peer.contact))
            if (event.data.direction === 'in') markRead()
          } else if (event.event === 'message:state') {
            stateById.set(event.data.id, event.data.state)
            // Changes of a message not shown yet are folded into its line when send answers.
            if (shown.has(event.data.id)) printAbove(formatStateChange(event.data))
          }
        }
        if (!leaving) printAbove('! the node stopped; messages can no longer be sent or received (Ctrl-D to leave)')
      })().catch(() => {})

      // Sends go one at a time, in the order typed.
      let sending: Promise<void> = Promise.resolve()
      const send = (text: string): void => {
        sending = sending.then(async () => {
          try {
            const m: MessageView = await client.call('send', { to: peer.peerId, text })
            shown.add(m.id)
            printAbove(formatMessage(m, peer.contact, stateById.get(m.id) ?? m.state))
          } catch (err) {
            printAbove(`! ${toCliError(err).message}`)
          }
        })
      }

      await new Promise<void>((resolve) => {
        rl.on('line', (line) => {
          const text = line.trim()
          if (text !== '') send(text)
          if (rl.terminal) rl.prompt()
        })
        rl.on('SIGINT', () => { rl.close() })
        rl.on('close', () => { resolve() })
        rl.prompt()
      })
      await sending
      leaving = true
      subscription.close()
      await events
      if (rl.terminal) output.write('\n')
    }))
}
