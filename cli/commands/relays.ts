/**
 * `murmur relays add|list|remove|first-contact`: the relays that keep a mailbox for us while we
 * are offline (DESIGN.md "Relays"; docs/relay.md). A relay must trust us first
 * (`murmur trust add <our peer ID>` on the relay).
 */
import type { Command } from 'commander'
import { ApiRemoteError } from '../../src/api/errors.js'
import type { ApiClient } from '../../src/api/client.js'
import { CliError, ExitCode, print } from '../output.js'
import { exitCodeOf } from '../../src/errors/index.js'
import { collect, commonOptions, connect, run, type CommonOptions } from '../common.js'
import { formatRelay, namesOf } from './message-format.js'
import { resolvePeer } from './resolve.js'

/**
 * The relay library's errors (src/relay/errors.ts) that the relay commands explain; their
 * exit codes are those of the one table (src/errors/codes.ts).
 */
const RELAY_ERROR_NAMES: ReadonlySet<string> = new Set([
  'MailboxNotFoundError', 'RelayRefusedError', 'MailboxQuotaError', 'EnvelopeTooLargeError',
  'RelayRateLimitedError', 'RelayTimeoutError', 'RelayProtocolError'
])

function errorName (err: unknown): string | undefined {
  if (err instanceof ApiRemoteError) return err.remoteName
  return err instanceof Error ? err.name : undefined
}

/**
 * Turns a relay refusal into a CliError with its exit code, or returns undefined for any
 * other error. A relay answers NOT_FOUND for anything unauthorized (docs/relay.md), so
 * MailboxNotFoundError here means: the relay does not trust us. `ownPeerId` fills in the
 * command its owner has to run.
 */
export function relayCliError (err: unknown, ownPeerId?: string): CliError | undefined {
  const name = errorName(err)
  if (name === undefined) return undefined
  const exitCode = RELAY_ERROR_NAMES.has(name) ? exitCodeOf(name) : undefined
  if (exitCode === undefined) return undefined
  if (name === 'MailboxNotFoundError') {
    return new CliError(`the relay does not trust you: ask its owner to run \`murmur trust add ${ownPeerId ?? '<your peer ID>'}\``, exitCode, {
      errorName: name,
      hint: 'then run this command again (`murmur id` prints your peer ID)'
    })
  }
  if (name === 'RelayTimeoutError') {
    return new CliError('the relay did not answer in time', exitCode, {
      errorName: name,
      hint: 'is it running? give its address with --addr <multiaddr> if it cannot be found by peer ID'
    })
  }
  return new CliError((err as Error).message, exitCode, { errorName: name })
}

/** Runs `action`; a relay refusal becomes its CliError (with our peer ID in the hint). */
export async function withRelayErrors<T> (client: ApiClient, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (err) {
    if (relayCliError(err) === undefined) throw err
    const ownPeerId = await client.call('id', {}).then(id => id.peerId, () => undefined)
    throw relayCliError(err, ownPeerId) ?? err
  }
}

interface RelaysAddOptions extends CommonOptions {
  addr?: string[]
}

export function registerRelaysCommands (program: Command): void {
  const relays = program.command('relays').description('the relays that hold your messages while you are offline')

  commonOptions(relays.command('add'))
    .description('keep a mailbox at a relay (it must trust you: `murmur trust add <your peer ID>` on the relay)')
    .argument('<relay>', 'the relay\'s peer ID (12D3KooW...), or its name when it is a contact')
    .option('--addr <multiaddr>', 'an address of the relay (repeatable; default: find it by peer ID)', collect)
    .action(run(async (peerId: string, options: RelaysAddOptions) => {
      const client = await connect(options)
      const relayPeer = await resolvePeer(client, peerId)
      const relay = await withRelayErrors(client, async () => await client.call('relays.add', {
        peerId: relayPeer.peerId,
        ...(options.addr !== undefined ? { addr: options.addr } : {})
      }))
      const who = relayPeer.contact !== undefined ? `${relayPeer.contact} (${relay.peerId})` : relay.peerId
      print(options, relay, () => relay.registered
        ? `mailbox registered at ${who}: it holds your messages while you are offline`
        : `relay ${who} added, mailbox not registered yet${relay.error !== undefined ? ` (${relay.error})` : ''}; murmur keeps trying`)
    }))

  commonOptions(relays.command('list'))
    .description('list your relays: registered, messages waiting, quota use, prekeys left')
    .action(run(async (options: CommonOptions) => {
      const client = await connect(options)
      const list = await client.call('relays.list', {})
      const names = options.json === true || list.length === 0 ? undefined : namesOf(await client.call('contacts.list', {}))
      print(options, list, () => list.length === 0
        ? 'no relays yet (add one with `murmur relays add <peerId>`; it must trust you first)'
        : list.map(r => formatRelay(r, names !== undefined ? { names } : {})).join('\n'))
    }))

  commonOptions(relays.command('remove'))
    .description('stop using a relay (it is dropped from your contact record)')
    .argument('<relay>', 'the relay\'s peer ID, or its name when it is a contact')
    .action(run(async (peerId: string, options: CommonOptions) => {
      const client = await connect(options)
      const relayPeer = await resolvePeer(client, peerId)
      const removed = await withRelayErrors(client, async () => await client.call('relays.remove', { peerId: relayPeer.peerId }))
      print(options, removed, () => `removed relay ${removed.peerId}`)
    }))

  commonOptions(relays.command('first-contact'))
    .description('open or close the first-contact door of your mailboxes (first messages from strangers)')
    .argument('<state>', '`open` (strangers may leave a first message) or `closed` (contacts only)')
    .action(run(async (state: string, options: CommonOptions) => {
      if (state !== 'open' && state !== 'closed') throw new CliError(`first-contact takes \`open\` or \`closed\`, got "${state}"`, ExitCode.USAGE)
      const client = await connect(options)
      const result = await withRelayErrors(client, async () => await client.call('relays.firstContact', { open: state === 'open' }))
      print(options, result, () => result.open
        ? 'first-contact door open: strangers may leave a first message at your relays'
        : 'first-contact door closed: only your contacts can leave messages at your relays')
    }))
}
