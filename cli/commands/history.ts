/**
 * `murmur history <name|peerId> [--limit N] [--follow]`: one conversation, oldest first.
 * --follow keeps printing new messages and delivery-state changes from the event stream.
 * Messages held by relays show `stored at <relay>` (DESIGN.md "Delivery").
 */
import type { Command } from 'commander'
import type { EventSubscription } from '../../src/api/client.js'
import { toCliError } from '../errors.js'
import { CliError, ExitCode, print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatMessage, formatStateChange, namesOf } from './message-format.js'
import { resolvePeer } from './resolve.js'

interface HistoryOptions extends CommonOptions {
  limit?: string
  before?: string
  follow?: boolean
}

function parseInteger (name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) throw new CliError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`, ExitCode.USAGE)
  return n
}

/**
 * A conversation outlives its contact: after `contacts remove bob`, `history bob` finds no
 * contact, and says where the conversation is now.
 */
async function withRemovedContactHint<T> (to: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    const cliError = toCliError(err)
    if (cliError.errorName !== 'ContactNotFoundError') throw err
    throw new CliError(cliError.message, cliError.exitCode, {
      errorName: cliError.errorName,
      hint: `if "${to}" was a contact you removed, its conversation is kept under its peer ID: \`murmur inbox\` lists it, \`murmur history <peerId>\` shows it, \`murmur contacts add ${to} <peerId>\` names it again`
    })
  }
}

export function registerHistoryCommand (program: Command): void {
  commonOptions(program.command('history'))
    .description('show a conversation, oldest first (--follow: keep printing new messages)')
    .argument('<to>', 'name or peer ID of the conversation')
    .option('--limit <n>', 'at most this many messages, the newest (default 50)')
    .option('--before <seq>', 'only messages before this position (paging back)')
    .option('--follow', 'keep printing new messages and state changes until Ctrl-C (with --json: one {"event","data"} object per line)')
    .action(run(async (to: string, options: HistoryOptions) => {
      const limit = parseInteger('limit', options.limit, 1, 1000)
      const before = parseInteger('before', options.before, 0, Number.MAX_SAFE_INTEGER)
      const client = await connect(options)
      const params = { to, ...(limit !== undefined ? { limit } : {}), ...(before !== undefined ? { before } : {}) }
      if (options.follow !== true) {
        const messages = await withRemovedContactHint(to, async () => await client.call('history', params))
        // Relays holding a message are shown by contact name when they are contacts.
        const names = options.json === true ? undefined : namesOf(await client.call('contacts.list', {}))
        print(options, messages, () => messages.length === 0 ? 'no messages yet' : messages.map(m => formatMessage(m, undefined, m.state, names)).join('\n'))
        return
      }

      // Subscribe before reading the history, so nothing falls between the two; duplicates
      // (a message in both) are dropped by id.
      const stop = new AbortController()
      const subscription: EventSubscription = await client.events({ names: ['message', 'message:state'], signal: stop.signal })
      const onSignal = (): void => { stop.abort(); subscription.close() }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        const messages = await client.call('history', params)
        const peer = await resolvePeer(client, to)
        const names = namesOf(await client.call('contacts.list', {}))
        const shown = new Set(messages.map(m => m.id))
        const texts = new Map(messages.map(m => [m.id, m.text]))
        for (const m of messages) print(options, { event: 'message', data: m }, () => formatMessage(m, peer.contact, m.state, names))
        if (options.json !== true) process.stderr.write('following new messages; Ctrl-C to stop\n')
        for await (const event of subscription) {
          if (!('peerId' in event.data) || event.data.peerId !== peer.peerId) continue
          if (event.event === 'message') {
            if (shown.has(event.data.id)) continue
            shown.add(event.data.id)
            const m = event.data
            texts.set(m.id, m.text)
            print(options, event, () => formatMessage(m, peer.contact, m.state, names))
          } else if (event.event === 'message:state') {
            const change = event.data
            if (!shown.has(change.id) && change.id.length === 32) {
              // A message sent from another client (the web app, a script): show it once, whole.
              const [sent] = await client.call('history', { to: peer.peerId, limit: 20 }).then(h => h.filter(m => m.id === change.id))
              if (sent !== undefined) {
                shown.add(sent.id)
                texts.set(sent.id, sent.text)
                print(options, { event: 'message', data: sent }, () => formatMessage(sent, peer.contact, sent.state, names))
                continue
              }
            }
            print(options, event, () => formatStateChange(change, names, texts.get(change.id)))
          }
        }
      } finally {
        process.removeListener('SIGINT', onSignal)
        process.removeListener('SIGTERM', onSignal)
        subscription.close()
      }
      if (!stop.signal.aborted) throw new CliError('the node stopped; no more messages', ExitCode.NOT_RUNNING, { errorName: 'NodeNotRunningError' })
    }))
}
