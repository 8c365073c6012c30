/**
 * `murmur send` and `murmur resend`. A message is durable (queued) before send answers; with
 * --wait the command also waits for the recipient's delivery receipt (DESIGN.md "Delivery").
 */
import type { Command } from 'commander'
import { DEFAULT_CALL_TIMEOUT_MS } from '../../src/api/client.js'
import { DEFAULT_SEND_WAIT_SECONDS, MAX_SEND_WAIT_SECONDS } from '../../src/api/methods.js'
import type { MessageView } from '../../src/messenger/types.js'
import { CliError, ExitCode, print } from '../output.js'
import { commonOptions, connect, run, type CommonOptions } from '../common.js'

interface SendOptions extends CommonOptions {
  wait?: boolean
  timeout?: string
}

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  // A trailing newline from `echo` or a heredoc is not part of the message.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

function parseTimeout (value: string | undefined): number {
  if (value === undefined) return DEFAULT_SEND_WAIT_SECONDS
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SEND_WAIT_SECONDS) {
    throw new CliError(`--timeout must be a number of seconds between 0 and ${MAX_SEND_WAIT_SECONDS}, got "${value}"`, ExitCode.USAGE)
  }
  return seconds
}

function describe (m: MessageView): string {
  return `message ${m.id} to ${m.contact ?? m.peerId}: ${m.state}${m.reason !== undefined ? ` (${m.reason})` : ''}`
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
      const message = await client.call('send', { to, text, ...(wait ? { wait: true, timeout } : {}) },
        { timeoutMs: wait ? timeout * 1000 + DEFAULT_CALL_TIMEOUT_MS : DEFAULT_CALL_TIMEOUT_MS })
      print(options, message, () => describe(message))
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
    .argument('<messageId>', 'the message id (from `murmur history`)')
    .action(run(async (to: string, messageId: string, options: CommonOptions) => {
      const message = await (await connect(options)).call('resend', { to, messageId })
      print(options, message, () => describe(message))
    }))
}
