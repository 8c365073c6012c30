// Messenger parties without a network: real session crypto, real stores (memory-level; a
// restored party's is LevelDB on disk), the real Outgoing and Incoming; envelopes are handed
// over by the test, in the order it chooses.
import { generateIdentity, peerIdFromIdentityKey, type Identity } from '../../src/crypto/identity.js'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { Blocks } from '../../src/messenger/blocks.js'
import { ContactBook } from '../../src/messenger/contacts.js'
import type { MessengerContext } from '../../src/messenger/context.js'
import { MurmurEventEmitter } from '../../src/messenger/events.js'
import { Incoming } from '../../src/messenger/incoming.js'
import { Outgoing } from '../../src/messenger/outgoing.js'
import { KeyedLocks } from '../../src/runtime/keyed-locks.js'
import { systemClock } from '../../src/runtime/clock.js'
import { PrekeyManager } from '../../src/messenger/prekeys.js'
import { restoreHome } from '../../src/messenger/backup.js'
import { homePath } from '../../src/messenger/home.js'
import { SessionCache } from '../../src/messenger/sessions.js'
import { tempHome } from '../e2e/cli-helpers.js'
import { openStore, type Store } from '../../src/store/index.js'
import { parseEnvelope, type ParsedEnvelope } from '../../src/wire/strict/envelope.js'

export interface Party { ctx: MessengerContext, store: Store, outgoing: Outgoing, incoming: Incoming, prekeys: PrekeyManager, identity: Identity, blocks: Blocks }

export interface PartyOptions {
  /** Where a first message to a peer gets the peer's prekey bundle. */
  bundleOf?: (peerId: string) => Promise<Uint8Array>
  messageTtlMs?: number
  sessionCacheSize?: number
  /** A store and identity to go on with (a home restored from a backup, say); default new ones in memory. */
  store?: Store
  identity?: Identity
}

export async function party (options: PartyOptions = {}): Promise<Party> {
  const store = options.store ?? await openStore({ memory: true })
  const identity = options.identity ?? generateIdentity()
  const provider = defaultProvider()
  const prekeys = new PrekeyManager(store, identity, provider)
  await prekeys.maintain()
  const bundleOf = options.bundleOf ?? (async () => { throw new Error('no bundle source') })
  const locks = new KeyedLocks()
  // The party's block list, wired as a node wires it (murmur.ts) and read from its store as at start.
  const made: { outgoing?: Outgoing, incoming?: Incoming } = {}
  const blocks = new Blocks(store, locks,
    (batch, peerId) => { made.outgoing?.forgetCapabilitySent(batch, peerId) },
    async (batch, peerId) => await (made.incoming as Incoming).unblocking(batch, peerId))
  await blocks.load()
  const ctx: MessengerContext = {
    store, provider, identity,
    peerId: peerIdFromIdentityKey(identity.publicKey),
    sessions: new SessionCache(store, { maxEntries: options.sessionCacheSize }),
    locks,
    prekeys,
    contacts: new ContactBook(store),
    blocks,
    events: new MurmurEventEmitter(),
    clock: systemClock,
    transport: { send: async () => 'ok', fetchBundle: async (peerId) => await bundleOf(peerId) },
    messageTtlMs: options.messageTtlMs ?? 60_000
  }
  const outgoing = made.outgoing = new Outgoing(ctx)
  const incoming = made.incoming = new Incoming(ctx, outgoing, () => {})
  return { ctx, store, outgoing, incoming, prekeys, identity, blocks }
}

/**
 * `of`'s home made again from `file` (a backup of it) by the real restore (restoreHome: a
 * LevelDB store on disk, in a temporary folder), as a party on that store with `of`'s identity.
 * `closing` gets what closes the store and removes the folder.
 */
export async function restoreParty (of: Party, file: Uint8Array, passphrase: Uint8Array, closing: Array<() => Promise<void>>, options: PartyOptions = {}): Promise<Party> {
  const { home, cleanup } = await tempHome('murmur-restored-')
  closing.push(cleanup)
  await restoreHome(home, file, { passphrase, provider: defaultProvider(), protection: { noPassphrase: true } })
  const store = await openStore({ path: homePath(home, 'store') }, { pidFile: false })
  closing.push(async () => { await store.close() })
  return await party({ ...options, store, identity: of.identity })
}

/**
 * `from` writes `texts` to `to`; returns the envelopes of those texts in sending order and
 * takes everything (receipts too) out of `from`'s outbox, as if sent.
 */
export async function write (from: Party, to: Party, texts: string[]): Promise<ParsedEnvelope[]> {
  const peerId = to.ctx.peerId
  for (const text of texts) {
    await from.outgoing.sendText(peerId, text)
    for (const entry of await from.store.outbox(peerId)) {
      if (entry.envelope.length === 0) await from.outgoing.prepare(entry, AbortSignal.timeout(5_000))
    }
  }
  const out = (await from.store.outbox(peerId)).filter(e => !e.messageId.startsWith('r'))
  const envelopes = out.map(e => parseEnvelope(e.envelope))
  const batch = from.store.batch()
  for (const e of await from.store.outbox(peerId)) batch.deleteOutbox(e)
  await from.store.write(batch)
  return envelopes
}

/** The texts `of` has received from `from`, oldest first. */
export async function received (of: Party, from: Party): Promise<string[]> {
  return (await of.store.history(from.ctx.peerId, { limit: 100, order: 'oldest' })).filter(e => e.direction === 'in').map(e => e.text)
}
