/**
 * `murmur chat <name|peerId>`: an interactive conversation in the terminal. Recent history
 * above, a prompt below (node:readline); incoming messages and delivery-state changes are
 * printed live above the prompt. The conversation is marked read while the chat is open.
 *
 * When the node stops, the chat waits for it and reconnects (a restarted node has a new API
 * address and token), then shows what arrived in between.
 */
import { clearLine, createInterface, cursorTo, moveCursor } from 'node:readline'
import type { Command } from 'commander'
import type { ApiClient, EventSubscription } from '../../src/api/client.js'
import type { MessageView } from '../../src/messenger/types.js'
import { toCliError } from '../errors.js'
import { CliError, ExitCode } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatMessage, formatStateChange, namesOf, shortPeerId } from './message-format.js'
import { resolvePeer } from './resolve.js'

/** How many earlier messages the chat shows when it opens. */
export const CHAT_HISTORY_LIMIT = 20
/** While the node is down, look for it this often. */
const RECONNECT_EVERY_MS = 500

export function registerChatCommand (program: Command): void {
  commonOptions(program.command('chat'))
    .description('chat interactively with a contact (Ctrl-C or Ctrl-D to leave)')
    .argument('<to>', 'name or peer ID of the contact')
    .action(run(async (to: string, options: CommonOptions) => {
      if (options.json === true) throw new CliError('chat is interactive and has no --json output; use `history --follow --json` and `send`', ExitCode.USAGE)
      let client: ApiClient = await connect(options)
      const peer = await resolvePeer(client, to)
      const label = peer.contact ?? shortPeerId(peer.peerId)
      let names = namesOf(await client.call('contacts.list', {}))
      let subscription: EventSubscription = await client.events({ names: ['message', 'message:state'] })
      const shown = new Set<string>()
      const texts = new Map<string, string>()
      // The latest state of each message: a state change can arrive before `send` answers.
      const stateById = new Map<string, string>()
      const output = process.stdout
      output.write(`chat with ${label} (${peer.peerId}); Ctrl-C or Ctrl-D to leave\n`)

      // The prompt is ours: it must not read as if the peer were speaking.
      const rl = createInterface({ input: process.stdin, output, prompt: `you → ${label}: `, terminal: process.stdin.isTTY === true })
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
      const show = (m: MessageView): void => {
        if (shown.has(m.id)) return
        shown.add(m.id)
        texts.set(m.id, m.text)
        printAbove(formatMessage(m, peer.contact, stateById.get(m.id) ?? m.state, names))
      }
      const markRead = (): void => {
        client.call('read', { to: peer.peerId }).catch(() => { /* retried at the next message */ })
      }
      const catchUp = async (): Promise<void> => {
        for (const m of await client.call('history', { to: peer.peerId, limit: CHAT_HISTORY_LIMIT })) show(m)
        markRead()
      }

      // Lines are taken from the moment the interface exists, before the first await: piped
      // input (`printf 'hi\n' | murmur chat bob`) is read at once, and lines and the input's end
      // emitted while the chat caught up used to be lost, and the chat never ended. Sends go
      // one at a time, in the order typed, once the history is shown.
      let caughtUp!: () => void
      let sending = new Promise<void>((resolve) => { caughtUp = resolve })
      const send = (text: string): void => {
        sending = sending.then(async () => {
          try {
            show(await client.call('send', { to: peer.peerId, text }))
          } catch (err) {
            printAbove(`! not sent: ${toCliError(err).message}`)
          }
        })
      }
      const inputClosed = new Promise<void>((resolve) => {
        rl.on('line', (line) => {
          const text = line.trim()
          // The terminal echoed the typed line; the message is shown once, as sent, instead.
          if (rl.terminal) {
            moveCursor(output, 0, -1)
            clearLine(output, 0)
          }
          if (text !== '') send(text)
          if (rl.terminal) rl.prompt()
        })
        rl.on('SIGINT', () => { rl.close() })
        rl.on('close', () => { resolve() })
      })

      try {
        await catchUp()
      } catch (err) {
        // The node stopped while the chat was opening (its history call was cut): the event
        // loop below sees the stream end, waits for the node, reconnects and catches up then.
        // Before, this ended the chat with "no murmur node is running".
        if (!(err instanceof Error) || err.name !== 'NodeNotRunningError') throw err
      }

      let leaving = false
      const events = (async () => {
        while (!leaving) {
          try {
            for await (const event of subscription) {
              if (!('peerId' in event.data) || event.data.peerId !== peer.peerId) continue
              if (event.event === 'message') {
                show(event.data)
                if (event.data.direction === 'in') markRead()
              } else if (event.event === 'message:state') {
                stateById.set(event.data.id, event.data.state)
                // Changes of a message not shown yet are folded into its line when send answers.
                if (shown.has(event.data.id)) printAbove(formatStateChange(event.data, names, texts.get(event.data.id)))
              }
            }
          } catch {
            // A stream cut (the node's sockets closed as it stopped, a reset) ends like a closed
            // one: without this, such an error ended the loop and the chat never reconnected.
          }
          if (leaving) return
          printAbove('! the node stopped; waiting for it to start again (Ctrl-D to leave)')
          // A restarted node writes a new api.address and api.token: connect afresh.
          while (!leaving) {
            try {
              client = await connect(options)
              subscription = await client.events({ names: ['message', 'message:state'], timeoutMs: 5_000 })
              names = namesOf(await client.call('contacts.list', {}))
              printAbove('! reconnected')
              await catchUp()
              break
            } catch {
              await new Promise(resolve => setTimeout(resolve, RECONNECT_EVERY_MS))
            }
          }
        }
      })().catch(() => {})

      caughtUp()
      rl.prompt()
      await inputClosed
      await sending
      leaving = true
      subscription.close()
      await events
      if (rl.terminal) output.write('\n')
    }))
}
