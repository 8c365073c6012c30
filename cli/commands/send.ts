/**
 * `murmur send` and `murmur resend`. A message is durable (queued) before send answers; with
 * --wait the command also waits for the recipient's delivery receipt (DESIGN.md "Delivery"),
 * printing `stored at <relay>` as relays take the message while the recipient is offline.
 */
import type { Command } from 'commander'
import type { ApiClient } from '../../src/api/client.js'
import { DEFAULT_SEND_WAIT_SECONDS, FINAL_SEND_STATES, MAX_HISTORY_LIMIT, MAX_SEND_WAIT_SECONDS, MESSAGE_ID_PATTERN } from '../../src/api/limits.js'
import { MAX_TEXT_BYTES } from '../../src/messenger/constants.js'
import type { MessageView } from '../../src/messenger/types.js'
import { CliError, ExitCode, print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'
import { describeReason, namesOf, peerName, shortId, storedAt } from './message-format.js'

interface SendOptions extends CommonOptions {
  wait?: boolean
  timeout?: string
}

/**
 * The message piped into `send -`. Reading stops past the limit (with room for a trailing
 * newline): a larger input is refused here, whole, as too long (exit 2), rather than sent to
 * the node as a body it would refuse with HTTP 413 (or cut short with EPIPE).
 */
async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
    if (size > MAX_TEXT_BYTES + 2) {
      process.stdin.destroy()
      throw new CliError(`a message is at most ${MAX_TEXT_BYTES} bytes of UTF-8 (${MAX_TEXT_BYTES / 1024} KiB); stdin has more`, ExitCode.USAGE, { errorName: 'InvalidMessageTextError' })
    }
  }
  // A trailing newline from `echo` or a heredoc is not part of the message.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/**
 * A message id as typed: the full 32 hex digits, or the short id `history` shows (at least 4
 * hex digits), looked up among the conversation's last 1,000 messages.
 */
async function resolveMessageId (client: ApiClient, to: string, typed: string): Promise<string> {
  const id = typed.toLowerCase()
  if (MESSAGE_ID_PATTERN.test(id)) return id
  if (!/^[0-9a-f]{4,31}$/.test(id)) throw new CliError(`"${typed}" is not a message id (the hex id \`murmur history\` shows)`, ExitCode.USAGE)
  const matches = (await client.call('history', { to, limit: MAX_HISTORY_LIMIT })).filter(m => m.direction === 'out' && m.id.startsWith(id))
  if (matches.length === 0) throw new CliError(`no message ${typed} of yours in this conversation`, ExitCode.NOT_FOUND, { errorName: 'MessageNotFoundError' })
  if (matches.length > 1) throw new CliError(`${typed} names ${matches.length} messages; give more of its id`, ExitCode.USAGE)
  return matches[0].id
}

function parseTimeout (value: string | undefined): number {
  if (value === undefined) return DEFAULT_SEND_WAIT_SECONDS
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SEND_WAIT_SECONDS) {
    throw new CliError(`--timeout must be a number of seconds between 0 and ${MAX_SEND_WAIT_SECONDS}, got "${value}"`, ExitCode.USAGE)
  }
  return seconds
}

function describe (m: MessageView, names?: ReadonlyMap<string, string>): string {
  const relays = m.state === 'stored' ? storedAt(m) : []
  const state = relays.length > 0 ? `stored at ${relays.map(r => peerName(r, names)).join(', ')}` : m.state
  return `message ${shortId(m.id)} to ${m.contact ?? m.peerId}: ${state}${describeReason(m, names)}`
}

/** Contact names for the relays a stored message names (text output only). */
async function relayNames (client: ApiClient, m: MessageView, json: boolean): Promise<Map<string, string> | undefined> {
  if (json || storedAt(m).length === 0) return undefined
  return namesOf(await client.call('contacts.list', {}))
}

/** The view of one message, looked up by its position (`history` before seq + 1, limit 1). */
async function lookUp (client: ApiClient, to: string, message: MessageView): Promise<MessageView | undefined> {
  const [found] = await client.call('history', { to, before: message.seq + 1, limit: 1 })
  return found?.id === message.id ? found : undefined
}

/**
 * `send --wait`: subscribes to `message:state` first (so no change is missed), sends, then
 * follows the message until a final state or the timeout, reporting each relay that stores
 * it (`stored at <relay>`, one line per relay) as it happens. Returns the message's view
 * at the end: the state reached, with its relays.
 */
async function sendAndWait (client: ApiClient, to: string, text: string, timeoutSeconds: number, report: (line: string) => void): Promise<MessageView> {
  const stop = new AbortController()
  const subscription = await client.events({ names: ['message:state'], signal: stop.signal })
  const timer = setTimeout(() => { stop.abort() }, timeoutSeconds * 1000)
  try {
    const sent = await client.call('send', { to, text })
    let names: Map<string, string> | undefined
    const reported = new Set<string>()
    const reportStored = async (view: Pick<MessageView, 'relays'>): Promise<void> => {
      const relays = storedAt(view).filter(r => !reported.has(r))
      if (relays.length === 0) return
      names ??= namesOf(await client.call('contacts.list', {}))
      for (const r of relays) {
        reported.add(r)
        report(`stored at ${peerName(r, names)}`)
      }
    }
    let state = sent.state
    let reason = sent.reason
    await reportStored(sent)
    if (!FINAL_SEND_STATES.includes(state)) {
      for await (const event of subscription) {
        if (event.event !== 'message:state' || event.data.id !== sent.id) continue
        state = event.data.state
        reason = event.data.reason
        // The event names the relays that hold the message; an older node's event may not.
        if (state === 'stored') await reportStored(event.data.relays !== undefined ? event.data : await lookUp(client, to, sent) ?? sent)
        if (FINAL_SEND_STATES.includes(state)) break
      }
    }
    return await lookUp(client, to, sent) ?? { ...sent, state, ...(reason !== undefined ? { reason } : {}) }
  } finally {
    clearTimeout(timer)
    subscription.close()
  }
}

export function registerSendCommands (program: Command): void {
  commonOptions(program.command('send'))
    .description('send an end-to-end encrypted message')
    .argument('<to>', 'name or peer ID of the recipient')
    .argument('<text>', 'the message; `-` reads it from stdin')
    .option('--wait', 'wait until the message is delivered (or --timeout passes)')
    .option('--timeout <seconds>', `how long --wait waits (default ${DEFAULT_SEND_WAIT_SECONDS})`)
    .action(run(async (to: string, textArg: string, options: SendOptions) => {
      const timeout = parseTimeout(options.timeout)
      const text = textArg === '-' ? await readStdin() : textArg
      const client = await connect(options)
      const wait = options.wait === true
      const message = wait
        ? await sendAndWait(client, to, text, timeout, options.json === true ? () => {} : (line) => { process.stdout.write(line + '\n') })
        : await client.call('send', { to, text })
      const names = await relayNames(client, message, options.json === true)
      print(options, message, () => describe(message, names))
      if (wait && message.state !== 'delivered' && message.state !== 'read') {
        // The result is printed; the exit code tells a script it was not delivered (yet).
        process.stderr.write(options.json === true
          ? JSON.stringify({ error: { name: 'NotDeliveredError', message: `not delivered: ${message.state}`, exitCode: ExitCode.NETWORK } }) + '\n'
          : `murmur: not delivered within ${timeout}s; the message is ${message.state}${['queued', 'sent', 'stored'].includes(message.state) ? ' and murmur keeps trying' : ''}\n`)
        process.exitCode = ExitCode.NETWORK
      }
    }))

  commonOptions(program.command('resend'))
    .description('send a failed or expired message again (same message id)')
    .argument('<to>', 'name or peer ID of the conversation')
    .argument('<messageId>', 'the message id, or its first digits (from `murmur history`)')
    .action(run(async (to: string, messageId: string, options: CommonOptions) => {
      const client = await connect(options)
      const message = await client.call('resend', { to, messageId: await resolveMessageId(client, to, messageId) })
      const names = await relayNames(client, message, options.json === true)
      print(options, message, () => describe(message, names))
    }))

  commonOptions(program.command('cancel'))
    .description('cancel a queued message (not yet taken by a relay or the recipient); `resend` sends it later')
    .argument('<to>', 'name or peer ID of the conversation')
    .argument('<messageId>', 'the message id (from `murmur history`)')
    .action(run(async (to: string, messageId: string, options: CommonOptions) => {
      const client = await connect(options)
      const message = await client.call('cancel', { to, messageId: await resolveMessageId(client, to, messageId) })
      print(options, message, () => `message ${shortId(message.id)} to ${message.contact ?? message.peerId} cancelled; \`murmur resend ${to} ${shortId(message.id)}\` sends it again`)
    }))
}
