/**
 * The sending side (DESIGN.md "Delivery"): encrypt, then ONE atomic batch stores the new
 * session state, the outbox entry (the exact envelope bytes) and the history entry; only then
 * is anything transmitted. A retry sends the same bytes; a message is never encrypted twice.
 *
 * When no session exists yet, the message is stored with an empty envelope and encrypted by
 * `prepare` once the recipient's bundle is at hand (fetched outside the peer lock).
 */
import { randomBytes } from 'node:crypto'
import { logger } from '@libp2p/logger'
import { identityKeyFromPeerId, peerIdBytesFromIdentityKey, peerIdBytesFromPeerId } from '../crypto/identity.js'
import { decodeBundle, verifyBundle } from '../crypto/pqxdh/index.js'
import { initiateSession, sessionEncrypt, type SessionRecord } from '../crypto/session/index.js'
import type { HistoryRecord, OutboxRecord, StoreBatch } from '../store/index.js'
import { CAPABILITY_LENGTH, encodeCapability, encodeReceipt, encodeText, MESSAGE_ID_LENGTH } from './content.js'
import { MAX_TEXT_BYTES } from './constants.js'
import type { MessengerContext } from './context.js'
import { buildEnvelope, fromHexId, hex } from './envelopes.js'
import { InvalidMessageTextError, MessageNotFoundError, MessageStateError } from './errors.js'
import { nextNumber, readStarts, startOf, TEXT_NUMBER_STARTS_KEY } from './text-numbers.js'

const log = logger('murmur:messenger:outgoing')

/** Settings keys: our capability for a peer, whether it was sent, and the peer's for us. */
export const capabilityKey = (peerId: string): string => `capability:${peerId}`
export const capabilitySentKey = (peerId: string): string => `capabilitySent:${peerId}`
export const peerCapabilityKey = (peerId: string): string => `peerCapability:${peerId}`
/** Settings key prefix: our last text number for a peer. */
export const OUT_NUMBER_PREFIX = 'outNumber:'
export const outNumberKey = (peerId: string): string => `${OUT_NUMBER_PREFIX}${peerId}`
/** Settings key: the text a client's `clientId` named (Murmur.send's option), `{ peerId, seq, at }`. */
export const CLIENT_ID_PREFIX = 'clientId:'
/** The first key after every `clientId:` key (';' follows ':'). */
const CLIENT_ID_PREFIX_END = 'clientId;'
export const clientIdKey = (clientId: string): string => `${CLIENT_ID_PREFIX}${clientId}`
/**
 * How long a client's id names its text (ms): a send asked again with the same id within this
 * answers with the stored text instead of sending it twice (docs/api.md, `send`).
 */
export const CLIENT_ID_TTL_MS = 10 * 60_000

// A type, not an interface: settings hold JSON values, which an interface is not assignable to.
export type ClientIdRecord = {
  peerId: string
  seq: number
  /** When the text was stored (ms since the epoch). */
  at: number
}

/**
 * Outbox entries of control messages (receipts, capabilities, session openers) carry this
 * prefix instead of a message id: they have no history entry.
 */
export const RECEIPT_OUTBOX_PREFIX = 'r'

export function isReceiptEntry (entry: OutboxRecord): boolean {
  return entry.messageId.startsWith(RECEIPT_OUTBOX_PREFIX)
}

/**
 * Why a message goes out again in a new session: set as its history entry's `reason`, which
 * also marks the text as a resend, so a recipient that has it already keeps one copy.
 */
export const RESENT_IN_NEW_SESSION = 'sent again in a new session (the previous one was reset)'

export function validateText (text: unknown): string {
  if (typeof text !== 'string') throw new InvalidMessageTextError('a message is text')
  if (text.trim() === '') throw new InvalidMessageTextError('a message must not be empty')
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_TEXT_BYTES) {
    throw new InvalidMessageTextError(`a message is at most ${MAX_TEXT_BYTES} bytes of UTF-8 (${MAX_TEXT_BYTES / 1024} KiB); this one is ${bytes} bytes`)
  }
  return text
}

/** A text sent and waiting to be stored with its group. */
interface QueuedText {
  readonly text: string
  readonly now: number
  readonly clientId?: string
  readonly resolve: (entry: HistoryRecord) => void
  readonly reject: (err: unknown) => void
}

/** A group encrypted into one batch, and that batch's write (issued, maybe not yet durable). */
interface EncryptedGroup {
  /** The history entries, in the group's order. */
  entries: HistoryRecord[]
  /** Their outbox entries. */
  queued: OutboxRecord[]
  durable: Promise<void>
  /** Our capability for the peer, when the group created it. */
  created?: Uint8Array
}

/** Texts stored in one group at most: a bound on one hold of the peer lock and on one batch. */
export const MAX_SEND_GROUP = 256

export class Outgoing {
  private readonly ctx: MessengerContext
  /**
   * Read-through caches of two settings consulted on every send (both only ever written under
   * the peer's lock, by this class): our last text number per peer, and the peers that have
   * our capability.
   */
  private readonly outNumbers = new Map<string, number>()
  private readonly capabilitySent = new Set<string>()
  private textNumberStarts: readonly number[] | undefined
  /**
   * Per peer, the write of the last group stored (until it settles). A failed write numbered
   * texts that were never stored: both caches above are then dropped, and the next group reads
   * the numbers from the store once the writes before it have settled, so the texts it numbers
   * follow the last stored one. Kept instead, the skipped numbers reached the contact as a hole
   * ("3 earlier messages from this contact have not arrived yet") that never filled.
   */
  private readonly groupWrites = new Map<string, Promise<void>>()
  /** Told of each group's outbox entries once they are durable, with the outbox generation its write made (OutboxViews.added). */
  private readonly onQueued: (peerId: string, entries: OutboxRecord[], generation: number) => void
  /** Our binary peer ID, the sender of every envelope (checked once). */
  private ownPeerIdBytes: Uint8Array | undefined
  /** The provider's random source (pooled on the OS): envelope and message ids. */
  private readonly random = (length: number): Uint8Array => this.ctx.provider.randomBytes(length)
  /** When forgetOldClientIds last ran (ms since the epoch). */
  private clientIdsPrunedAt = 0
  /** Per peer, the texts sent and not yet taken into a group being stored (sendText). */
  private readonly unstored = new Map<string, QueuedText[]>()

  constructor (ctx: MessengerContext, onQueued: (peerId: string, entries: OutboxRecord[], generation: number) => void = () => {}) {
    this.ctx = ctx
    this.onQueued = onQueued
  }

  private async lastOutNumber (peerId: string): Promise<number> {
    const cached = this.outNumbers.get(peerId)
    if (cached !== undefined) return cached
    await this.groupWrites.get(peerId)?.catch(() => {})
    const stored = await this.ctx.store.sublevels.settings.get(outNumberKey(peerId))
    return typeof stored === 'number' ? stored : 0
  }

  /** The starts of our numberings (text-numbers.ts): written by a restore, before any node runs on the home, so read once. */
  private async numberStarts (): Promise<readonly number[]> {
    this.textNumberStarts ??= readStarts(await this.ctx.store.sublevels.settings.get(TEXT_NUMBER_STARTS_KEY))
    return this.textNumberStarts
  }

  /** Encrypts `plaintext` for `peerId` under `record`; returns the new record and envelope bytes. */
  encryptFor (peerId: string, record: SessionRecord, plaintext: Uint8Array, now: number): { record: SessionRecord, envelope: Uint8Array } {
    const { record: next, message } = sessionEncrypt(this.ctx.provider, record, plaintext, { now })
    this.ownPeerIdBytes ??= peerIdBytesFromIdentityKey(this.ctx.identity.publicKey)
    const envelope = buildEnvelope(this.ownPeerIdBytes, peerIdBytesFromPeerId(peerId), message, now, this.ctx.messageTtlMs, this.random)
    return { record: next, envelope: envelope.bytes }
  }

  /**
   * Stores a new outgoing text (state queued), encrypted when a session exists; resolves once
   * it is durable.
   *
   * Texts sent to one peer while others are being stored form a group (docs/messaging.md,
   * "Sending"): under ONE hold of the peer lock they are numbered and encrypted in the order
   * they were sent, and ONE batch stores all their history and outbox entries and the session
   * record once, as the last of them left it. Each text's envelope is thus durable together with
   * a session state at or past the one that produced it, and none is encrypted twice; the
   * record (~3 KB, serialized and sealed) is written once per group instead of once per text.
   *
   * The peer lock covers only the encryption and the *issue* of the write, not its fsync:
   * the store's group committer writes batches in the order they were issued, so the next
   * group can encrypt under the advanced session while this one is being synced. Nothing is
   * transmitted before its batch is durable (the delivery reads the outbox only after that),
   * so no envelope leaves ahead of its state. Should a write fail, the session stays advanced
   * in memory: those message keys are skipped, never reused. The texts' numbers are not
   * skipped (groupWrites): the contact would count them as missing.
   */
  async sendText (peerId: string, text: string, now = this.ctx.clock.now(), clientId?: string): Promise<HistoryRecord> {
    validateText(text)
    if (clientId !== undefined && now - this.clientIdsPrunedAt > CLIENT_ID_TTL_MS) {
      this.forgetOldClientIds(now).catch((err: Error) => { log('pruning client ids failed: %s', err.name) })
    }
    return await new Promise<HistoryRecord>((resolve, reject) => {
      let group = this.unstored.get(peerId)
      if (group === undefined) {
        group = []
        this.unstored.set(peerId, group)
        // Once the microtasks now queued have run: the sends they make join this group.
        const forming = group
        process.nextTick(() => { void this.storeGroup(peerId, forming) })
      }
      group.push({ text, now, resolve, reject, ...(clientId !== undefined ? { clientId } : {}) })
      // A full group is closed: the next send starts another, stored after this one.
      if (group.length >= MAX_SEND_GROUP) this.unstored.delete(peerId)
    })
  }

  /** The text `clientId` named, if it was stored within CLIENT_ID_TTL_MS (a send asked again: docs/api.md, `send`). */
  async sentWithClientId (clientId: string, now = this.ctx.clock.now()): Promise<HistoryRecord | undefined> {
    const record = await this.ctx.store.sublevels.settings.get(clientIdKey(clientId)) as ClientIdRecord | undefined
    if (record == null || typeof record.at !== 'number' || now - record.at > CLIENT_ID_TTL_MS) return undefined
    return await this.ctx.store.getHistory(record.peerId, record.seq)
  }

  /**
   * Deletes the client ids older than CLIENT_ID_TTL_MS, which name nothing any more: at start,
   * and at most once per CLIENT_ID_TTL_MS after that, when a text with an id is stored.
   */
  async forgetOldClientIds (now = this.ctx.clock.now()): Promise<void> {
    this.clientIdsPrunedAt = now
    const { store } = this.ctx
    const batch = store.batch()
    // The settings key codec keeps the part before the colon in the clear: only the ids are read.
    const ids = await store.sublevels.settings.list({ gte: CLIENT_ID_PREFIX, lt: CLIENT_ID_PREFIX_END })
    for (const { key, value } of ids) {
      const at = (value as Partial<ClientIdRecord> | null)?.at
      if (typeof at !== 'number' || now - at > CLIENT_ID_TTL_MS) batch.del(store.sublevels.settings, key)
    }
    // Not synced: an id a crash brings back is deleted at the next start.
    if (batch.length > 0) await store.write(batch, { sync: false })
  }

  /** Stores the texts waiting for `peerId` as one group: each caller's promise settles with the group's write. */
  private async storeGroup (peerId: string, group: QueuedText[]): Promise<void> {
    if (this.unstored.get(peerId) === group) this.unstored.delete(peerId)
    let stored: EncryptedGroup
    try {
      stored = await this.ctx.locks.run(peerId, async () => await this.encryptGroup(peerId, group))
      await stored.durable
    } catch (err) {
      for (const text of group) text.reject(err)
      return
    }
    // Read at once, in the same turn as the write's completion: the count its write made.
    this.onQueued(peerId, stored.queued, this.ctx.store.outboxGeneration(peerId))
    if (stored.created != null) this.ctx.onCapability?.(peerId, stored.created)
    group.forEach((text, i) => { text.resolve(stored.entries[i]) })
  }

  /**
   * Under the peer lock: numbers and encrypts `group` in order into one batch, and issues its
   * synced write (not awaited here: `durable`). Throws, having written nothing, if any text of
   * the group cannot be stored.
   */
  private async encryptGroup (peerId: string, group: readonly QueuedText[]): Promise<EncryptedGroup> {
    const { store, sessions } = this.ctx
    const batch = store.batch()
    const entries: HistoryRecord[] = []
    const queued: OutboxRecord[] = []
    let record = await sessions.get(peerId)
    let created: Uint8Array | undefined
    let outNumber = await this.lastOutNumber(peerId)
    const starts = await this.numberStarts()
    for (const { text, now, clientId } of group) {
      // From the provider's pooled source: node:crypto's randomBytes per text cost as much as its HMACs.
      const messageId = this.random(MESSAGE_ID_LENGTH)
      const seq = await store.allocateSeq(peerId)
      // Our texts to this peer are numbered from 1 (or a restore's start), so the receiver notices holes.
      outNumber = nextNumber(starts, outNumber)
      const entry: HistoryRecord = { peerId, seq, id: hex(messageId), direction: 'out', text, sentAt: now, state: 'queued', outNumber }
      let envelope: Uint8Array = new Uint8Array(0)
      if (record != null) {
        ({ record, envelope } = this.encryptFor(peerId, record, encodeText({ messageId, body: text, sentAt: now, seq: outNumber, resend: false, seqStart: startOf(starts, outNumber) }), now))
        const added = await this.addCapabilityIfUnsent(batch, peerId, record, now)
        record = added.record
        created ??= added.created
      }
      batch.appendHistory(entry, { unread: false })
      // In the text's own batch: after a crash or restart, the id names the text if and only if it was stored.
      if (clientId !== undefined) batch.put(store.sublevels.settings, clientIdKey(clientId), { peerId, seq, at: now } satisfies ClientIdRecord)
      const entryQueued: OutboxRecord = { messageId: entry.id, peerId, seq, envelope, attempts: 0, nextAttemptAt: now, expiresAt: now + this.ctx.messageTtlMs }
      batch.putOutbox(entryQueued)
      entries.push(entry)
      queued.push(entryQueued)
    }
    batch.put(store.sublevels.settings, outNumberKey(peerId), outNumber)
    if (record != null) sessions.put(batch, peerId, record)
    const durable = store.write(batch, { sync: true })
    this.outNumbers.set(peerId, outNumber)
    this.groupWrites.set(peerId, durable)
    const settled = (): void => { if (this.groupWrites.get(peerId) === durable) this.groupWrites.delete(peerId) }
    durable.then(settled, () => {
      this.outNumbers.delete(peerId)
      this.writeFailed(peerId)
      settled()
    })
    if (record != null) sessions.rememberWriting(peerId, record, durable)
    return { entries, queued, durable, ...(created !== undefined ? { created } : {}) }
  }

  /**
   * Gives an outbox entry stored without a session its envelope: establishes a session from
   * the peer's bundle (when still none) and encrypts the message. Returns the updated entry.
   */
  async prepare (entry: OutboxRecord, signal: AbortSignal, now = this.ctx.clock.now()): Promise<OutboxRecord> {
    const { store, sessions, provider, identity, transport } = this.ctx
    const peerId = entry.peerId
    let fetched: Uint8Array | undefined
    if (await sessions.get(peerId) == null) {
      fetched = await transport.fetchBundle(peerId, { signal })
    }
    return await this.ctx.locks.run(peerId, async () => {
      const current = (await store.outbox(peerId)).find(e => e.seq === entry.seq)
      if (current == null) throw new MessageNotFoundError('the message left the outbox')
      if (current.envelope.length > 0) return current
      let record = await sessions.get(peerId)
      if (record == null) {
        if (fetched == null) throw new MessageNotFoundError('no bundle for a new session')
        const bundle = decodeBundle(fetched)
        verifyBundle(provider, bundle, identityKeyFromPeerId(peerId))
        record = initiateSession(provider, undefined, identity, bundle, { now })
      }
      const batch = store.batch()
      let plaintext: Uint8Array
      let opener: { secret: Uint8Array, created: boolean } | undefined
      if (isReceiptEntry(current)) {
        // A session opener (queueOpener): its content is our capability, sent afresh.
        opener = await this.capabilityToSend(batch, peerId)
        plaintext = encodeCapability(opener.secret)
      } else {
        const history = await store.getHistory(peerId, current.seq)
        if (history == null) throw new MessageNotFoundError()
        const seq = history.outNumber ?? 0
        plaintext = encodeText({ messageId: fromHexId(history.id), body: history.text, sentAt: history.sentAt, seq, resend: history.reason !== undefined, seqStart: startOf(await this.numberStarts(), seq) })
      }
      const encrypted = this.encryptFor(peerId, record, plaintext, now)
      const updated: OutboxRecord = { ...current, envelope: encrypted.envelope }
      const added = opener === undefined
        ? await this.addCapabilityIfUnsent(batch, peerId, encrypted.record, now)
        : { record: encrypted.record, ...(opener.created ? { created: opener.secret } : {}) }
      const { record: next, created } = added
      sessions.put(batch, peerId, next)
      batch.replaceOutbox(current, updated)
      await store.write(batch, { sync: true }).catch((err: unknown) => {
        this.writeFailed(peerId)
        throw err
      })
      sessions.remember(peerId, next)
      if (created != null) this.ctx.onCapability?.(peerId, created)
      return updated
    })
  }

  /**
   * Adds a receipt for `messageIds` to `batch` (encrypted under `record`): the caller holds the
   * peer lock and commits the returned record in the same batch. Returns it with the receipt's
   * outbox entry.
   */
  async addReceipt (batch: StoreBatch, peerId: string, record: SessionRecord, kind: 'delivered' | 'read', messageIds: Uint8Array[], now: number): Promise<{ record: SessionRecord, entry: OutboxRecord }> {
    return await this.addControl(batch, peerId, record, encodeReceipt(kind, messageIds), now)
  }

  /**
   * Adds our deposit capability for `peerId` (docs/relay.md: the secret that opens our
   * mailboxes' contacts door to them) when it was never sent to them: created on first use,
   * sent once, inside the encryption. The caller holds the peer lock.
   */
  async addCapabilityIfUnsent (batch: StoreBatch, peerId: string, record: SessionRecord, now: number): Promise<{ record: SessionRecord, created?: Uint8Array }> {
    const settings = this.ctx.store.sublevels.settings
    if (this.capabilitySent.has(peerId)) return { record }
    if (await settings.get(capabilitySentKey(peerId)) === true) {
      this.capabilitySent.add(peerId)
      return { record }
    }
    const { secret, created } = await this.capabilityToSend(batch, peerId)
    const { record: next } = await this.addControl(batch, peerId, record, encodeCapability(secret), now)
    return created ? { record: next, created: secret } : { record: next }
  }

  /**
   * Our capability for `peerId` (created when there is none yet), marked sent in `batch`.
   * A new one is reported to our relays by the caller (onCapability) once the batch is durable.
   */
  private async capabilityToSend (batch: StoreBatch, peerId: string): Promise<{ secret: Uint8Array, created: boolean }> {
    const settings = this.ctx.store.sublevels.settings
    this.capabilitySent.add(peerId)
    const stored = await settings.get(capabilityKey(peerId))
    const secret = typeof stored === 'string' ? fromHexId(stored) : new Uint8Array(randomBytes(CAPABILITY_LENGTH))
    if (typeof stored !== 'string') batch.put(settings, capabilityKey(peerId), hex(secret))
    batch.put(settings, capabilitySentKey(peerId), true)
    return { secret, created: typeof stored !== 'string' }
  }

  /**
   * Queues a session opener for `peerId` (DESIGN.md "At rest": a restored node, or one that
   * could not decrypt a contact's message, starts a new session): an outbox entry without an
   * envelope, which the delivery encrypts in a new session (fetching the peer's bundle) with our
   * capability as its content. The peer sees a session reset and sends again what we have not
   * acknowledged. The caller holds the peer lock and writes `batch`.
   */
  async queueOpener (batch: StoreBatch, peerId: string, now: number): Promise<void> {
    const seq = await this.ctx.store.allocateSeq(peerId)
    batch.putOutbox({
      messageId: RECEIPT_OUTBOX_PREFIX + hex(new Uint8Array(randomBytes(8))),
      peerId,
      seq,
      envelope: new Uint8Array(0),
      attempts: 0,
      nextAttemptAt: now,
      expiresAt: now + this.ctx.messageTtlMs
    })
  }

  /**
   * The peer started a new session while we had one (it lost its own, e.g. restored from a
   * backup): what we sent it in the old session may never have been read. Every text still in
   * the outbox goes out again in the current session (same message id, marked a resend, so the
   * peer keeps one copy); control messages of the old session are dropped. The caller holds the
   * peer lock and writes `batch`. Returns how many texts were queued again.
   */
  async requeueAfterReset (batch: StoreBatch, peerId: string, now: number): Promise<number> {
    const { store } = this.ctx
    let queued = 0
    for (const entry of await store.outbox(peerId)) {
      if (entry.envelope.length === 0) continue
      if (isReceiptEntry(entry)) {
        batch.deleteOutbox(entry)
        continue
      }
      batch.replaceOutbox(entry, { ...entry, envelope: new Uint8Array(0) })
      const history = await store.getHistory(peerId, entry.seq)
      if (history != null) batch.updateHistory({ ...history, reason: RESENT_IN_NEW_SESSION, updatedAt: now })
      queued++
    }
    return queued
  }

  /**
   * The peer may have lost what we sent it (a new session from it, or it could not decrypt):
   * send our capability again with the next message.
   */
  forgetCapabilitySent (batch: StoreBatch, peerId: string): void {
    this.capabilitySent.delete(peerId)
    batch.del(this.ctx.store.sublevels.settings, capabilitySentKey(peerId))
  }

  /**
   * A write that may have carried our capability for `peerId` failed: nothing of it was stored,
   * so the capability was not sent. The mark in memory goes; the next message reads the stored
   * one (unchanged by the failed write) and sends the capability if it never went.
   */
  writeFailed (peerId: string): void {
    this.capabilitySent.delete(peerId)
  }

  /** Encrypts a control message (receipt, capability) into the outbox, in `batch`: the new record and the outbox entry. */
  private async addControl (batch: StoreBatch, peerId: string, record: SessionRecord, plaintext: Uint8Array, now: number): Promise<{ record: SessionRecord, entry: OutboxRecord }> {
    const { record: next, envelope } = this.encryptFor(peerId, record, plaintext, now)
    const seq = await this.ctx.store.allocateSeq(peerId)
    const entry: OutboxRecord = {
      messageId: RECEIPT_OUTBOX_PREFIX + hex(new Uint8Array(randomBytes(8))),
      peerId,
      seq,
      envelope,
      attempts: 0,
      nextAttemptAt: now,
      expiresAt: now + this.ctx.messageTtlMs
    }
    batch.putOutbox(entry)
    return { record: next, entry }
  }

  /** Queues a failed or expired message again, to be encrypted anew under the current session. */
  async resend (peerId: string, messageId: string, now = this.ctx.clock.now()): Promise<HistoryRecord> {
    return await this.ctx.locks.run(peerId, async () => {
      const { store } = this.ctx
      const history = await store.findMessage(peerId, messageId)
      if (history == null || history.direction !== 'out') throw new MessageNotFoundError(`no message ${messageId} sent to this peer`)
      if (history.state !== 'failed' && history.state !== 'expired') {
        throw new MessageStateError(`message ${messageId.slice(0, 8)} is ${history.state}; only failed or expired messages are sent again`)
      }
      const queued: HistoryRecord = { ...history, state: 'queued', reason: 'sent again', updatedAt: now }
      const batch = store.batch()
      batch.updateHistory(queued)
      // An empty envelope: `prepare` encrypts it under whatever session is current then.
      batch.putOutbox({ messageId: history.id, peerId, seq: history.seq, envelope: new Uint8Array(0), attempts: 0, nextAttemptAt: now, expiresAt: now + this.ctx.messageTtlMs })
      await store.write(batch, { sync: true })
      return queued
    })
  }

  /**
   * Cancels a message that no one holds yet (state queued): it leaves the outbox and is marked
   * failed ("cancelled"), so `resend` can send it later. A message a relay or the recipient
   * already holds cannot be called back.
   */
  async cancel (peerId: string, messageId: string, now = this.ctx.clock.now()): Promise<HistoryRecord> {
    return await this.ctx.locks.run(peerId, async () => {
      const { store } = this.ctx
      const history = await store.findMessage(peerId, messageId)
      if (history == null || history.direction !== 'out') throw new MessageNotFoundError(`no message ${messageId} sent to this peer`)
      if (history.state !== 'queued') {
        throw new MessageStateError(`message ${messageId.slice(0, 8)} is ${history.state}; only a queued message (not yet taken by a relay or the recipient) can be cancelled`)
      }
      const batch = store.batch()
      const queued = await store.sublevels.outbox.get({ peerId, seq: history.seq })
      if (queued != null) batch.deleteOutbox(queued)
      const cancelled: HistoryRecord = { ...history, state: 'failed', reason: 'cancelled', updatedAt: now }
      batch.updateHistory(cancelled)
      await store.write(batch, { sync: true })
      this.ctx.events.emit('message:state', { id: history.id, peerId, state: 'failed', reason: 'cancelled' })
      return cancelled
    })
  }
}
