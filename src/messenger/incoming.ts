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
import { sessionDecrypt, type SessionRecord } from '../crypto/session/index.js'
import type { HistoryRecord, StoreBatch } from '../store/index.js'
import { Envelope } from '../wire/envelope.js'
import { decodeContent, type ReceiptContent } from './content.js'
import type { MessengerContext } from './context.js'
import { hex } from './envelopes.js'
import { GapTracker, type GapState } from './gaps.js'
import { peerCapabilityKey, type Outgoing } from './outgoing.js'
import { advances, messageView } from './views.js'
import type { MurmurEvents } from './events.js'

const log = logger('murmur:messenger:incoming')

export type ReceiveResult =
  | { status: 'ok' }
  | { status: 'duplicate' }
  | { status: 'error', code: 'UNDECRYPTABLE' | 'MALFORMED', message: string }

type PendingEvent = { [K in keyof MurmurEvents]: { type: K, detail: MurmurEvents[K] } }[keyof MurmurEvents]

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

  /**
   * `onDurable(peer)`: something for `peer` is in the outbox (a receipt); `onCapability`:
   * a new capability for `peer` was created (its hash goes to our relays).
   */
  constructor (ctx: MessengerContext, outgoing: Outgoing, onDurable: (peerId: string) => void, onCapability: (peerId: string, secret: Uint8Array) => void = () => {}) {
    this.ctx = ctx
    this.outgoing = outgoing
    this.onDurable = onDurable
    this.onCapability = onCapability
    this.gaps = new GapTracker(ctx.store, ctx.messageTtlMs)
  }

  /** Handles envelopes that arrived together from `peerId` (already checked: sender is the peer, recipient is us). */
  async receive (peerId: string, envelopes: Envelope[], now = Date.now()): Promise<ReceiveResult[]> {
    return await this.ctx.locks.run(peerId, async () => await this.receiveLocked(peerId, envelopes, now))
  }

  private async receiveLocked (peerId: string, envelopes: Envelope[], now: number): Promise<ReceiveResult[]> {
    const { store, sessions, provider, prekeys } = this.ctx
    const results: ReceiveResult[] = []
    const seen = await store.hasSeen(envelopes.map(e => e.id))
    const seenInBatch = new Set<string>()
    const original = await sessions.get(peerId)
    let record: SessionRecord | undefined = original
    const batch = store.batch()
    const events: PendingEvent[] = []
    const delivered: Uint8Array[] = []
    const receipts: ReceiptContent[] = []
    const senderKey = identityKeyFromPeerIdBytes(envelopes[0]?.sender ?? new Uint8Array(0))
    let gaps: GapState | undefined
    /** A message failed for want of a session, and one was reset: both change what we send. */
    let sessionLost = false
    let requeued = false

    for (let i = 0; i < envelopes.length; i++) {
      const envelope = envelopes[i]
      const idHex = hex(envelope.id)
      if (seen[i] || seenInBatch.has(idHex)) {
        results.push({ status: 'duplicate' })
        continue
      }
      try {
        let preKeyMessage: PreKeyMessage | undefined
        let context = noPrekeys(this.ctx)
        if (envelope.kind === Envelope.Kind.PREKEY) {
          preKeyMessage = decodePreKeyMessage(envelope.payload)
          // The PQXDH identity must be the noise-authenticated sender's own key.
          if (!equal(preKeyMessage.identityKey, senderKey)) throw new InvalidMessageError('the PQXDH identity is not the sender\'s')
          context = await prekeys.responderContext(preKeyMessage)
        } else if (envelope.kind !== Envelope.Kind.RATCHET) {
          throw new InvalidMessageError('unknown envelope kind')
        }
        const result = sessionDecrypt(provider, record, { kind: preKeyMessage != null ? 'prekey' : 'ratchet', bytes: envelope.payload }, context, { now })
        record = result.record
        if (preKeyMessage != null && result.established) {
          prekeys.consumeOps(batch, preKeyMessage, result.consumed, now)
          // A new session from the peer: it may have lost our capability along with its store.
          if (original != null) this.outgoing.forgetCapabilitySent(batch, peerId)
        }
        batch.markSeen(envelope.id, now)
        seenInBatch.add(idHex)
        const lostAt = this.recentLoss.get(peerId)
        if (result.reset || (result.established && lostAt !== undefined)) {
          const reason = result.reset
            ? 'your contact started a new secure session'
            : 'messages from your contact could not be decrypted here (the session was lost); a new secure session was started'
          await this.appendEvent(batch, peerId, `Session reset: ${reason}.`, now)
          events.push({ type: 'session:reset', detail: { peerId, reason } })
          this.recentLoss.delete(peerId)
        }
        // The peer lost the old session: what we sent in it goes out again in this one.
        if (result.reset && !requeued) {
          requeued = true
          await this.outgoing.requeueAfterReset(batch, peerId, now)
        }
        let content
        try {
          content = decodeContent(result.plaintext)
        } catch (err) {
          // Decrypted but not understood: the keys are spent, so the session state is kept.
          results.push({ status: 'error', code: 'MALFORMED', message: (err as Error).name })
          continue
        }
        if (content.type === 'text') {
          const id = hex(content.messageId)
          // Only a resend can carry a message id we already hold (the envelope id differs);
          // a first send is new by construction, so it costs no lookup.
          const existing = content.resend ? await store.findMessage(peerId, id) : undefined
          if (existing == null) {
            const seq = await store.allocateSeq(peerId)
            const entry: HistoryRecord = { peerId, seq, id, direction: 'in', text: content.body, sentAt: content.sentAt, receivedAt: now, state: 'received' }
            batch.appendHistory(entry)
            events.push({ type: 'message', detail: messageView(entry) })
            if (content.seq > 0) {
              gaps ??= await this.gaps.load(peerId)
              // A sender that lost its store numbers from 1 again: old holes will not fill.
              if (content.seq === 1 && gaps.highest > 0) gaps = { highest: 0, missing: [] }
              // Nothing known of this peer before this batch (a first contact, or our own
              // store was lost): start counting here rather than report a hole we cannot know.
              if (gaps.highest === 0 && original == null) gaps = { highest: content.seq - 1, missing: [] }
              gaps = await this.gaps.observe(batch, peerId, gaps, content.seq, now)
            }
          }
          delivered.push(content.messageId)
        } else if (content.type === 'receipt') {
          receipts.push(content)
        } else {
          batch.put(store.sublevels.settings, peerCapabilityKey(peerId), hex(content.secret))
        }
        results.push({ status: 'ok' })
      } catch (err) {
        const name = (err as Error).name
        if (err instanceof DuplicateMessageError) {
          results.push({ status: 'duplicate' })
          continue
        }
        log('envelope from %s could not be decrypted: %s', peerId, name)
        results.push({ status: 'error', code: 'UNDECRYPTABLE', message: name })
        events.push({ type: 'decrypt:failed', detail: { peerId, envelopeId: idHex, reason: name } })
        if (SESSION_LOST.has(name)) {
          this.recentLoss.set(peerId, now)
          sessionLost = true
        }
        if (SESSION_LOST.has(name) && await this.shouldRecordLoss(peerId, now)) {
          await this.appendEvent(batch, peerId, 'A message could not be decrypted: no session for it here. The sender was asked to send it again.', now)
        }
      }
    }

    for (const receipt of receipts) await this.applyReceipt(batch, peerId, receipt, now, events)
    if (record != null && delivered.length > 0) {
      record = await this.outgoing.addReceipt(batch, peerId, record, 'delivered', delivered, now)
    }
    let createdCapability: Uint8Array | undefined
    if (record != null && record !== original) {
      const added = await this.outgoing.addCapabilityIfUnsent(batch, peerId, record, now)
      record = added.record
      createdCapability = added.created
    }
    if (gaps != null) this.gaps.save(batch, peerId, gaps)
    // We have no session for a known peer whose messages we cannot read: open one, so that it
    // sees a reset and sends again what we could not read (once: not while anything waits to go).
    let openerQueued = false
    if (sessionLost && record == null && await this.isKnown(peerId) && (await store.outbox(peerId, { limit: 1 })).length === 0) {
      await this.outgoing.queueOpener(batch, peerId, now)
      openerQueued = true
    }
    if (record != null && record !== original) sessions.put(batch, peerId, record)
    if (batch.length > 0) {
      await store.write(batch, { sync: true })
      if (record !== original) sessions.remember(peerId, record)
    }
    const contact = events.some(e => e.type === 'message') ? (await this.ctx.contacts.byPeerId(peerId))?.name : undefined
    for (const event of events) {
      if (event.type === 'message' && contact !== undefined) event.detail = { ...event.detail, contact }
      this.ctx.events.emit(event.type, event.detail as never)
    }
    if (createdCapability != null) this.onCapability(peerId, createdCapability)
    if (delivered.length > 0 || createdCapability != null || openerQueued || requeued) this.onDurable(peerId)
    return results
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
    for (const messageId of receipt.messageIds) {
      const id = hex(messageId)
      const entry = await this.ctx.store.findMessage(peerId, id)
      if (entry == null || entry.direction !== 'out' || !advances(entry.state, state)) continue
      const updated: HistoryRecord = { ...entry, state, updatedAt: now }
      delete updated.reason
      batch.updateHistory(updated)
      // Held by relays (or not yet marked sent) and now delivered: no more retries for it.
      if (entry.state === 'stored' || entry.state === 'queued') {
        const queued = await this.ctx.store.sublevels.outbox.get({ peerId, seq: entry.seq })
        if (queued != null) batch.deleteOutbox(queued)
      }
      events.push({ type: 'message:state', detail: { id, peerId, state } })
    }
  }

  private async appendEvent (batch: StoreBatch, peerId: string, text: string, now: number): Promise<void> {
    const seq = await this.ctx.store.allocateSeq(peerId)
    batch.appendHistory({ peerId, seq, id: `e${seq}`, direction: 'event', text, sentAt: now, receivedAt: now, state: 'received' }, { unread: false })
  }
}
