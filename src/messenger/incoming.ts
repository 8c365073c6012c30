/**
 * The receiving side (DESIGN.md "Delivery"): decrypt, then ONE atomic batch stores the new
 * session state, the history entries, the envelope ids as seen, the prekeys consumed and the
 * delivery receipt going back; only then does the transport acknowledge. Envelopes that
 * arrive together are one batch (group commit). A duplicate is acknowledged and dropped;
 * plaintext is never shown before its state is durable.
 */
import { logger } from '@libp2p/logger'
import { LRUCache } from 'lru-cache'
import { DuplicateMessageError, InvalidMessageError } from '../crypto/errors.js'
import { equal } from '../crypto/bytes.js'
import { identityKeyFromPeerIdBytes } from '../crypto/identity.js'
import { decodePreKeyMessage, type PreKeyMessage, type ResponderContext } from '../crypto/pqxdh/index.js'
import { sessionDecrypt, type SessionDecryptResult, type SessionRecord } from '../crypto/session/index.js'
import { HomeDiskFullError, type HistoryRecord, type StoreBatch } from '../store/index.js'
import { Envelope } from '../wire/envelope.js'
import type { ParsedEnvelope } from '../wire/strict/envelope.js'
import { decodeContent, type DecodedContent, type ReceiptContent } from './content.js'
import type { MessengerContext } from './context.js'
import { hex } from './envelopes.js'
import { GapTracker, unblockedGaps, type GapState, type Placement } from './gaps.js'
import type { DeliveredReceipts, OwedEntry } from './delivered-receipts.js'
import { peerCapabilityKey, type Outgoing } from './outgoing.js'
import { advances, messageView } from './views.js'
import type { MurmurEvents } from './events.js'

const log = logger('murmur:messenger:incoming')

export type ReceiveResult =
  | { status: 'ok' }
  | { status: 'duplicate' }
  | { status: 'error', code: 'UNDECRYPTABLE' | 'MALFORMED' | 'INTERNAL', message: string }

type PendingEvent = { [K in keyof MurmurEvents]: { type: K, detail: MurmurEvents[K] } }[keyof MurmurEvents]

/** What one call of `receive` gathers before its one batch is written. */
interface ReceiveState {
  readonly peerId: string
  readonly now: number
  readonly batch: StoreBatch
  /** The session record as read before the batch (undefined: none)... */
  readonly original: SessionRecord | undefined
  /** ...and as the envelopes so far have left it. */
  record: SessionRecord | undefined
  /** The noise-authenticated sender's identity key. */
  readonly senderKey: Uint8Array
  /** Emitted after the write, in order. */
  readonly events: PendingEvent[]
  /** Message ids of the texts received: our delivery receipt. */
  readonly delivered: Uint8Array[]
  /** Message ids (hex) of the texts this batch holds already: in the store before it, or added by it. */
  readonly heldTexts: Set<string>
  readonly receipts: ReceiptContent[]
  gaps: GapState | undefined
  /** A message failed for want of a session: it changes what we send. */
  sessionLost: boolean
  /** What we sent in a session the peer reset is queued again (once per batch). */
  requeued: boolean
}

type Decrypted = SessionDecryptResult & { preKeyMessage: PreKeyMessage | undefined }
/**
 * A new envelope of a batch after its decryption: what it decrypted to and its content, or
 * why it did not decrypt (`error`), or why its plaintext is not content we understand
 * (`malformed`: its keys are spent all the same).
 */
type Opened =
  | { error: unknown }
  | { decrypted: Decrypted, content: DecodedContent }
  | { decrypted: Decrypted, malformed: Error }
/** The first envelope of a batch, decrypted while its seen id was being read. */
type DecryptedAhead = { result: SessionDecryptResult } | { error: unknown }

/** A context for ratchet messages: they never need prekeys. */
function noPrekeys (ctx: MessengerContext): ResponderContext {
  return {
    identity: ctx.identity,
    findSignedPreKey: () => undefined,
    findKemPreKey: () => undefined,
    findOneTimePreKey: () => undefined,
    isLastResortBaseKeyUsed: () => false
  }
}

/** Errors that mean the session is gone on our side: the sender should start a new one. */
const SESSION_LOST = new Set(['NoSessionError', 'HeaderDecryptionError', 'PreKeyNotFoundError'])
const LOSS_EVENT_INTERVAL_MS = 60_000
/** The refusal's message when our disk is full (the sender shows it as why its message waits). */
export const RECIPIENT_DISK_FULL = 'the recipient\'s disk is full; it takes the message once it has room'
/** Peers remembered by each of the two loss maps (least recently used first out). */
const MAX_RECENT_LOSSES = 1000

export class Incoming {
  private readonly ctx: MessengerContext
  private readonly outgoing: Outgoing
  private readonly onDurable: (peerId: string) => void
  private readonly lossShownAt = new LRUCache<string, number>({ max: MAX_RECENT_LOSSES })
  /** Peers whose messages we could not decrypt for want of a session, until a new one starts. */
  private readonly recentLoss = new LRUCache<string, number>({ max: MAX_RECENT_LOSSES })

  private readonly onCapability: (peerId: string, secret: Uint8Array) => void
  private readonly gaps: GapTracker
  /** Where delivered receipts are owed and sent later, coalesced; without it, each batch encrypts its own. */
  private readonly receipts: DeliveredReceipts | undefined

  /**
   * `onDurable(peer)`: something for `peer` is in the outbox (a receipt); `onCapability`:
   * a new capability for `peer` was created (its hash goes to our relays).
   */
  constructor (ctx: MessengerContext, outgoing: Outgoing, onDurable: (peerId: string) => void, onCapability: (peerId: string, secret: Uint8Array) => void = () => {}, receipts?: DeliveredReceipts) {
    this.ctx = ctx
    this.outgoing = outgoing
    this.onDurable = onDurable
    this.onCapability = onCapability
    this.receipts = receipts
    this.gaps = new GapTracker(ctx.store, ctx.messageTtlMs)
  }

  /**
   * `peerId` is being unblocked (blocks.ts): the caller holds the peer lock and writes `batch`,
   * then calls the function returned once it is durable. Nothing from the peer was read while it
   * was blocked: its next hole says the texts were dropped (gaps.ts, unblockedGaps).
   */
  async unblocking (batch: StoreBatch, peerId: string): Promise<() => void> {
    const next = unblockedGaps(await this.gaps.load(peerId))
    this.gaps.save(batch, peerId, next)
    return () => { this.gaps.remember(peerId, next) }
  }

  /** Handles envelopes that arrived together from `peerId`, each decoded once at the edge (already checked: sender is the peer, recipient is us). */
  async receive (peerId: string, envelopes: ParsedEnvelope[], now = this.ctx.clock.now()): Promise<ReceiveResult[]> {
    // A blocked peer's envelopes are acknowledged, so that neither it nor a relay sends them
    // again, and dropped unread: nothing decrypted, stored or answered (blocks.ts).
    if (this.ctx.blocks.has(peerId)) {
      log('dropped %d envelopes from a blocked peer', envelopes.length)
      return envelopes.map(() => ({ status: 'ok' }))
    }
    try {
      return await this.ctx.locks.run(peerId, async () => await this.receiveLocked(peerId, envelopes, now))
    } catch (err) {
      // Nothing was stored: the sender keeps the batch and retries later (INTERNAL, docs/protocol.md).
      // Its user learns why their messages wait, instead of "internal error".
      if (err instanceof HomeDiskFullError) return envelopes.map(() => ({ status: 'error', code: 'INTERNAL', message: RECIPIENT_DISK_FULL }))
      throw err
    }
  }

  /**
   * The steps of a batch (DESIGN.md "Delivery"): every new envelope is decrypted (`open`), the
   * texts we already hold are found in one read (`findHeldTexts`), then each envelope's session
   * change is noted (`accept`) and its content interpreted (`interpret`), in order, all into
   * one batch; then `commit` writes that batch, synced, and only then are events emitted and
   * the results (the transport's acks) returned.
   */
  private async receiveLocked (peerId: string, envelopes: ParsedEnvelope[], now: number): Promise<ReceiveResult[]> {
    const { store, sessions } = this.ctx
    const seenRead = store.hasSeen(envelopes.map(e => e.id))
    // Handled below; a rejection must not go unhandled while the first envelope decrypts.
    seenRead.catch(() => {})
    const original = await sessions.get(peerId)
    // The first envelope is decrypted while LevelDB looks up the seen ids: the two used to run
    // one after the other on every message. Decryption is pure (it returns a new record), so a
    // result for an envelope that turns out to be a duplicate is simply dropped.
    const ahead = envelopes.length > 0 ? this.decryptAhead(original, envelopes[0], now) : undefined
    const seen = await seenRead
    const state: ReceiveState = {
      peerId,
      now,
      batch: store.batch(),
      original,
      record: original,
      senderKey: identityKeyFromPeerIdBytes(envelopes[0]?.sender ?? new Uint8Array(0)),
      events: [],
      delivered: [],
      heldTexts: new Set(),
      receipts: [],
      gaps: undefined,
      sessionLost: false,
      requeued: false
    }
    // Every new envelope decrypted first, in order (each under the record the one before left),
    // so that the texts' message ids are known together: ONE read says which of them we hold.
    const opened: Array<Opened | undefined> = []
    const idsInBatch = new Set<string>()
    for (let i = 0; i < envelopes.length; i++) {
      const idHex = hex(envelopes[i].id)
      if (seen[i] || idsInBatch.has(idHex)) {
        opened.push(undefined)
        continue
      }
      idsInBatch.add(idHex)
      opened.push(await this.open(state, envelopes[i], i === 0 ? ahead : undefined))
    }
    await this.findHeldTexts(state, opened)
    const results: ReceiveResult[] = []
    for (let i = 0; i < envelopes.length; i++) {
      const one = opened[i]
      results.push(one === undefined ? { status: 'duplicate' } : await this.receiveOne(state, envelopes[i], hex(envelopes[i].id), one))
    }
    await this.commit(state)
    return results
  }

  /** Decrypts one new envelope and decodes its content; a failure is kept, not thrown. */
  private async open (state: ReceiveState, envelope: Envelope, ahead: DecryptedAhead | undefined): Promise<Opened> {
    let decrypted: Decrypted
    try {
      decrypted = ahead === undefined ? await this.decrypt(state, envelope) : this.taken(state, ahead)
    } catch (error) {
      return { error }
    }
    try {
      return { decrypted, content: decodeContent(decrypted.plaintext) }
    } catch (err) {
      return { decrypted, malformed: err as Error }
    }
  }

  /**
   * The texts of the batch whose message ids we hold already, in one read of the message index
   * (docs/messaging.md, "Receiving"). Every text is looked up, not only those marked as resends:
   * a message cancelled and sent again, or re-encrypted after a session reset, travels as two
   * envelopes, and the first copy (not marked) may come after the second (marked), late from a
   * relay or from a stream whose answer never came. Seen envelope ids cannot tell: the two
   * copies have different ones.
   */
  private async findHeldTexts (state: ReceiveState, opened: Array<Opened | undefined>): Promise<void> {
    const ids: string[] = []
    for (const one of opened) {
      if (one !== undefined && 'content' in one && one.content.type === 'text') ids.push(hex(one.content.messageId))
    }
    if (ids.length === 0) return
    const held = await this.ctx.store.hasMessages(state.peerId, ids)
    ids.forEach((id, i) => { if (held[i]) state.heldTexts.add(id) })
  }

  /**
   * A ratchet envelope decrypted under `record` before anything is known of it (its seen id is
   * being read): its result or its error, used only if the envelope is new and first in its
   * batch. PreKey envelopes wait (their prekeys are read from the store).
   */
  private decryptAhead (record: SessionRecord | undefined, envelope: Envelope, now: number): DecryptedAhead | undefined {
    if (envelope.kind !== Envelope.Kind.RATCHET) return undefined
    try {
      return { result: sessionDecrypt(this.ctx.provider, record, { kind: 'ratchet', bytes: envelope.payload }, noPrekeys(this.ctx), { now }) }
    } catch (error) {
      return { error }
    }
  }

  /** One opened envelope into the batch; any failure is this envelope's result, not the batch's. */
  private async receiveOne (state: ReceiveState, envelope: Envelope, idHex: string, opened: Opened): Promise<ReceiveResult> {
    try {
      if ('error' in opened) throw opened.error
      await this.accept(state, envelope, opened.decrypted)
      // Decrypted but not understood: the keys are spent, so the session state is kept.
      if ('malformed' in opened) return { status: 'error', code: 'MALFORMED', message: opened.malformed.name }
      return await this.interpret(state, opened.content)
    } catch (err) {
      return await this.failed(state, idHex, err)
    }
  }

  /**
   * Decrypts under the session record as the batch has left it (a PreKeyMessage first passes
   * its PQXDH checks); the record in `state` moves on. Throws what the session throws.
   */
  private async decrypt (state: ReceiveState, envelope: Envelope): Promise<Decrypted> {
    let preKeyMessage: PreKeyMessage | undefined
    let context = noPrekeys(this.ctx)
    if (envelope.kind === Envelope.Kind.PREKEY) {
      preKeyMessage = decodePreKeyMessage(envelope.payload)
      // The PQXDH identity must be the noise-authenticated sender's own key.
      if (!equal(preKeyMessage.identityKey, state.senderKey)) throw new InvalidMessageError('the PQXDH identity is not the sender\'s')
      context = await this.ctx.prekeys.responderContext(preKeyMessage)
    } else if (envelope.kind !== Envelope.Kind.RATCHET) {
      throw new InvalidMessageError('unknown envelope kind')
    }
    const result = sessionDecrypt(this.ctx.provider, state.record, { kind: preKeyMessage != null ? 'prekey' : 'ratchet', bytes: envelope.payload }, context, { now: state.now })
    state.record = result.record
    return { ...result, preKeyMessage }
  }

  /** A result decrypted ahead (decryptAhead) taken as this envelope's: the record in `state` moves on, or its error is thrown. */
  private taken (state: ReceiveState, ahead: DecryptedAhead): Decrypted {
    if ('error' in ahead) throw ahead.error
    state.record = ahead.result.record
    return { ...ahead.result, preKeyMessage: undefined }
  }

  /**
   * What a decrypted envelope changes besides its content: prekeys consumed by a new session,
   * the envelope id seen, and a session reset (shown in the conversation; what we sent in the
   * old session goes out again in the new one).
   */
  private async accept (state: ReceiveState, envelope: Envelope, decrypted: Decrypted): Promise<void> {
    const { peerId, batch, now } = state
    if (decrypted.preKeyMessage != null && decrypted.established) {
      this.ctx.prekeys.consumeOps(batch, decrypted.preKeyMessage, decrypted.consumed, now)
      // A new session from the peer: it may have lost our capability along with its store.
      if (state.original != null) this.outgoing.forgetCapabilitySent(batch, peerId)
    }
    batch.markSeen(envelope.id, now)
    const lostAt = this.recentLoss.get(peerId)
    if (decrypted.reset || (decrypted.established && lostAt !== undefined)) {
      const reason = decrypted.reset
        ? 'your contact started a new secure session'
        : 'messages from your contact could not be decrypted here (the session was lost); a new secure session was started'
      await this.appendEvent(batch, peerId, `Session reset: ${reason}.`, now)
      state.events.push({ type: 'session:reset', detail: { peerId, reason } })
      this.recentLoss.delete(peerId)
    }
    // The peer lost the old session: what we sent in it goes out again in this one.
    if (decrypted.reset && !state.requeued) {
      state.requeued = true
      await this.outgoing.requeueAfterReset(batch, peerId, now)
    }
  }

  /** The decrypted content: a text into the history (and the gap count), a receipt, a capability. */
  private async interpret (state: ReceiveState, content: DecodedContent): Promise<ReceiveResult> {
    const { store } = this.ctx
    const { peerId, batch, now } = state
    if (content.type === 'text') {
      const id = hex(content.messageId)
      // A text we hold already (findHeldTexts, or earlier in this batch) is acknowledged and
      // receipted again, not shown again.
      if (!state.heldTexts.has(id)) {
        state.heldTexts.add(id)
        // The gap state is read once for this text: it decides the place and then records the number.
        const gaps = content.seq > 0 ? await this.loadGaps(state, content.seq, content.seqStart) : undefined
        const placed = gaps !== undefined ? await this.place(state, gaps, content.seq) : { seq: await store.allocateSeq(peerId) }
        const late = placed.late === true
        const entry: HistoryRecord = { peerId, seq: placed.seq, id, direction: 'in', text: content.body, sentAt: content.sentAt, receivedAt: now, state: 'received' }
        if (late) batch.insertHistory(entry)
        else batch.appendHistory(entry)
        state.events.push({ type: 'message', detail: late ? { ...messageView(entry), late: true } : messageView(entry) })
        // The sender's number against the holes seen so far (gaps.ts).
        if (gaps !== undefined) state.gaps = await this.gaps.observe(batch, peerId, gaps, content.seq, now, placed)
      }
      state.delivered.push(content.messageId)
    } else if (content.type === 'receipt') {
      state.receipts.push(content)
    } else {
      batch.put(store.sublevels.settings, peerCapabilityKey(peerId), hex(content.secret))
    }
    return { status: 'ok' }
  }

  /**
   * Where text number `n` goes in the history (docs/messaging.md "Order"): a late text into
   * the room of the hole it fills; a text that opens a hole at the end, with room below it
   * for the missing ones; any other at the end.
   */
  private async place (state: ReceiveState, gaps: GapState, n: number): Promise<Placement & { late?: boolean }> {
    const late = this.gaps.lateSeq(gaps, n)
    if (late !== undefined) return { seq: late, late: true }
    const room = this.gaps.roomBefore(gaps, n)
    const seq = await this.ctx.store.allocateSeq(state.peerId, { room })
    return room > 0 ? { seq, after: seq - room - 1 } : { seq }
  }

  /**
   * The gap state as text number `n` (of the numbering that starts at `start`) finds it: loaded
   * once per batch, restarted where counting restarts, raised to a restored sender's new start.
   */
  private async loadGaps (state: ReceiveState, n: number, start: number): Promise<GapState> {
    state.gaps ??= await this.gaps.load(state.peerId)
    // A sender that lost its store numbers from 1 again: old holes will not fill.
    if (n === 1 && state.gaps.highest > 0) state.gaps = { highest: 0, missing: [] }
    // Nothing known of this peer before this batch (a first contact, or our own
    // store was lost): start counting here rather than report a hole we cannot know.
    if (state.gaps.highest === 0 && state.original == null) state.gaps = { highest: n - 1, missing: [] }
    state.gaps = this.gaps.jump(state.gaps, start)
    return state.gaps
  }

  /** An envelope that did not decrypt: a duplicate, or UNDECRYPTABLE (and maybe a lost session). */
  private async failed (state: ReceiveState, idHex: string, err: unknown): Promise<ReceiveResult> {
    const { peerId, now } = state
    const name = (err as Error).name
    if (err instanceof DuplicateMessageError) return { status: 'duplicate' }
    log('envelope from %s could not be decrypted: %s', peerId, name)
    state.events.push({ type: 'decrypt:failed', detail: { peerId, envelopeId: idHex, reason: name } })
    if (SESSION_LOST.has(name)) {
      this.recentLoss.set(peerId, now)
      state.sessionLost = true
      if (await this.shouldRecordLoss(peerId, now)) {
        await this.appendEvent(state.batch, peerId, 'A message could not be decrypted: no session for it here. The sender was asked to send it again.', now)
      }
    }
    return { status: 'error', code: 'UNDECRYPTABLE', message: name }
  }

  /**
   * What the whole batch adds (receipts applied, our delivery receipt, a capability, the gap
   * count, an opener for a lost session), then ONE synced write; only after it are the
   * session cache, the events and the callbacks told.
   */
  private async commit (state: ReceiveState): Promise<void> {
    const { store, sessions } = this.ctx
    const { peerId, batch, now, original, events, delivered } = state
    let record = state.record
    for (const receipt of state.receipts) await this.applyReceipt(batch, peerId, receipt, now, events)
    // Our delivered receipt: encrypted into this batch, or - while the peer's messages stream
    // in - owed in it and sent later, one for the stream (delivered-receipts.ts).
    let owed: readonly OwedEntry[] | undefined
    if (record != null && delivered.length > 0) {
      if (this.receipts?.waits(peerId) === true) owed = this.receipts.owe(batch, peerId, delivered)
      else record = (await this.outgoing.addReceipt(batch, peerId, record, 'delivered', delivered, now)).record
    }
    let createdCapability: Uint8Array | undefined
    if (record != null && record !== original) {
      const added = await this.outgoing.addCapabilityIfUnsent(batch, peerId, record, now)
      record = added.record
      createdCapability = added.created
    }
    if (state.gaps != null) this.gaps.save(batch, peerId, state.gaps)
    // We have no session for a known peer whose messages we cannot read: open one, so that it
    // sees a reset and sends again what we could not read (once: not while anything waits to go).
    let openerQueued = false
    if (state.sessionLost && record == null && await this.isKnown(peerId) && (await store.outbox(peerId, { limit: 1 })).length === 0) {
      await this.outgoing.queueOpener(batch, peerId, now)
      openerQueued = true
    }
    if (record != null && record !== original) sessions.put(batch, peerId, record)
    // The contact's name for the events is read while the batch is being synced, not after:
    // the transport acknowledges only once this call returns.
    const contactName = events.some(e => e.type === 'message') ? this.ctx.contacts.byPeerId(peerId).then(c => c?.name) : undefined
    contactName?.catch(() => {})
    if (batch.length > 0) {
      await store.write(batch, { sync: true }).catch((err: unknown) => {
        // Our capability may have been in it (addCapabilityIfUnsent marked it sent in memory).
        this.outgoing.writeFailed(peerId)
        throw err
      })
      if (record !== original) sessions.remember(peerId, record)
      if (state.gaps != null) this.gaps.remember(peerId, state.gaps)
      if (owed !== undefined) this.receipts?.committed(peerId, owed)
      else if (delivered.length > 0 && record != null) this.receipts?.sentNow(peerId)
    }
    const contact = await contactName
    for (const event of events) {
      if (event.type === 'message' && contact !== undefined) event.detail = { ...event.detail, contact }
      this.ctx.events.emit(event.type, event.detail as never)
    }
    if (createdCapability != null) this.onCapability(peerId, createdCapability)
    if ((delivered.length > 0 && owed === undefined) || createdCapability != null || openerQueued || state.requeued) this.onDurable(peerId)
  }

  /**
   * A lost session is shown in the conversation of someone we know (a contact or an existing
   * conversation), at most once a minute: a stranger sending garbage must not be able to
   * open conversations in our inbox.
   */
  private async shouldRecordLoss (peerId: string, now: number): Promise<boolean> {
    const last = this.lossShownAt.get(peerId)
    if (last !== undefined && now - last < LOSS_EVENT_INTERVAL_MS) return false
    const known = await this.isKnown(peerId)
    if (known) this.lossShownAt.set(peerId, now)
    return known
  }

  /** A contact, or a peer we have a conversation with. */
  private async isKnown (peerId: string): Promise<boolean> {
    return (await this.ctx.contacts.byPeerId(peerId)) != null ||
      (await this.ctx.store.sublevels.conversations.get(peerId)) != null
  }

  private async applyReceipt (batch: StoreBatch, peerId: string, receipt: ReceiptContent, now: number, events: PendingEvent[]): Promise<void> {
    const state = receipt.kind
    // A receipt that names an id twice moves its message once (one state event, not two).
    const ids = [...new Set(receipt.messageIds.map(hex))]
    // All of a receipt's reads in two multi-gets (and one more for outbox entries), not two
    // reads per id: this runs under the peer's lock, and a coalesced receipt names a stream's
    // worth of messages (delivered-receipts.ts).
    const entries = await this.ctx.store.findMessages(peerId, ids)
    const advanced: Array<{ id: string, entry: HistoryRecord }> = []
    ids.forEach((id, i) => {
      const entry = entries[i]
      if (entry != null && entry.direction === 'out' && advances(entry.state, state)) advanced.push({ id, entry })
    })
    // Held by relays (or not yet marked sent) and now delivered: no more retries for it.
    const retrying = advanced.filter(({ entry }) => entry.state === 'stored' || entry.state === 'queued')
    // Most receipts name messages already marked sent: no outbox read then.
    const queued = retrying.length === 0 ? [] : await this.ctx.store.sublevels.outbox.getMany(retrying.map(({ entry }) => ({ peerId, seq: entry.seq })))
    for (const { id, entry } of advanced) {
      // The state alone, beside the entry: not the whole entry again (docs/store.md, "History states").
      batch.updateHistoryState(entry, { state, updatedAt: now })
      events.push({ type: 'message:state', detail: { id, peerId, state } })
    }
    for (const entry of queued) if (entry != null) batch.deleteOutbox(entry)
  }

  private async appendEvent (batch: StoreBatch, peerId: string, text: string, now: number): Promise<void> {
    const seq = await this.ctx.store.allocateSeq(peerId)
    batch.appendHistory({ peerId, seq, id: `e${seq}`, direction: 'event', text, sentAt: now, receivedAt: now, state: 'received' }, { unread: false })
  }
}
