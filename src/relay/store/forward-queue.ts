/**
 * The forward queue (docs/relay.md, "Forwarding"; sublevels `relayForward`, `relayForwardIds`
 * and the forward entries of `relayExpiry`): envelopes a trusted depositor left for recipients
 * without a mailbox here, until the forwarder delivers them or they expire. Totals are kept in
 * memory (loaded at open); the envelopes stay on disk. Changed under the recipient's lock.
 */
import type { RelayExpiryKey } from '../../store/layout.js'
import type { RelayForwardRecord } from '../../store/records.js'
import type { StoreBatch } from '../../store/index.js'
import { forwardLock, storedSync, type PendingWrites, type RelayStoreContext } from './context.js'
import type { RelayCounters } from './counters.js'
import { settleDeposit, type DepositInput, type DepositOutcome, type DepositStep, type QueuedDeposit } from './deposit.js'
import { LockGroups } from './lock-groups.js'

export interface ForwardEntry {
  /** Envelope id, lowercase hex. */
  id: string
  seq: number
  envelope: Uint8Array
  expiresAt: number
}

export class ForwardQueue {
  private readonly ctx: RelayStoreContext
  private readonly counters: RelayCounters
  private readonly byRecipient = new Map<string, number>()
  private count = 0
  private bytes = 0
  private nextSeq = 1
  /** Deposits whose batch is queued but not yet durable: `f:<recipient>!<id>` -> its write. */
  private readonly pending: PendingWrites = new Map()
  private readonly listeners = new Set<(recipient: string) => void>()
  private readonly depositGroups: LockGroups<QueuedDeposit<'forward'>, DepositStep>

  constructor (ctx: RelayStoreContext, counters: RelayCounters) {
    this.ctx = ctx
    this.counters = counters
    this.depositGroups = new LockGroups(ctx.mutex, async (_lock, group) => await this.reserve(group))
  }

  async load (): Promise<void> {
    for (const [, record] of await this.ctx.s.relayForward.range({})) {
      this.count++
      this.bytes += record.envelope.byteLength
      this.nextSeq = Math.max(this.nextSeq, record.seq + 1)
      this.byRecipient.set(record.recipient, (this.byRecipient.get(record.recipient) ?? 0) + 1)
    }
  }

  /** Envelopes and bytes queued, across recipients. */
  get totals (): { count: number, bytes: number } {
    return { count: this.count, bytes: this.bytes }
  }

  /** Recipients with envelopes waiting. */
  recipients (): string[] {
    return [...this.byRecipient.keys()]
  }

  pendingFor (recipient: string): number {
    return this.byRecipient.get(recipient) ?? 0
  }

  onForward (listener: (recipient: string) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /**
   * Queues a trusted depositor's envelope for `input.recipient`. Idempotent by envelope id per
   * recipient. Deposits for one recipient made in one turn of the event loop, or while its
   * lock is busy, are decided together (reserve()), in the order they were made.
   */
  async deposit (input: DepositInput, now: number, expiresAt: number): Promise<DepositOutcome> {
    const recipient = input.recipient
    const step = await this.depositGroups.join(forwardLock(recipient), { input, door: 'forward', now, expiresAt })
    const outcome = await settleDeposit(step, 'forward', this.pending, `f:${recipient}!${input.id}`)
    if (outcome.stored && !outcome.duplicate) for (const listener of this.listeners) listener(recipient)
    return outcome
  }

  /** Under the recipient's lock: decides each deposit of a group in order; ONE batch for all it stores. */
  private async reserve (group: Array<QueuedDeposit<'forward'>>): Promise<DepositStep[]> {
    const { s, limits } = this.ctx
    const recipient = group[0].input.recipient
    const stored = storedSync(s.relayForwardIds, group.map(({ input }) => ({ peerId: recipient, hex: input.id })))
    const steps: Array<DepositStep | undefined> = []
    const reserved: Array<{ index: number, rollback: () => void }> = []
    const inGroup = new Set<string>()
    const repeats: number[] = []
    const batch = this.ctx.store.batch()
    group.forEach(({ input, now, expiresAt }, i) => {
      const inFlight = this.pending.get(`f:${recipient}!${input.id}`)
      if (inFlight !== undefined) return steps.push({ duplicateOf: inFlight })
      if (stored[i]) return steps.push({ duplicate: true })
      if (inGroup.has(input.id)) {
        repeats.push(i)
        return steps.push({ duplicate: true })
      }
      const size = input.envelope.byteLength
      if (this.count + 1 > limits.forwardMaxCount || this.bytes + size > limits.forwardMaxBytes) return steps.push({ refused: 'QUOTA' })
      const seq = this.nextSeq++
      this.count++
      this.bytes += size
      this.byRecipient.set(recipient, (this.byRecipient.get(recipient) ?? 0) + 1)
      const record: RelayForwardRecord = {
        id: input.id, seq, recipient, envelope: input.envelope, depositor: input.depositor, storedAt: now, expiresAt
      }
      batch
        .put(s.relayForward, { peerId: recipient, seq }, record)
        .put(s.relayForwardIds, { peerId: recipient, hex: input.id }, { seq })
        .put(s.relayExpiry, { expiresAt, queue: 'f' as const, peerId: recipient, seq }, null)
      inGroup.add(input.id)
      reserved.push({
        index: i,
        rollback: () => {
          this.count--
          this.bytes -= size
          this.decrement(recipient, 1)
        }
      })
      return steps.push(undefined)
    })
    if (reserved.length === 0) return steps as DepositStep[]
    const write = this.ctx.store.write(batch)
    for (const { index, rollback } of reserved) {
      this.pending.set(`f:${recipient}!${group[index].input.id}`, write)
      steps[index] = { write, rollback }
    }
    for (const index of repeats) steps[index] = { duplicateOf: write }
    return steps as DepositStep[]
  }

  /** The oldest entries for `recipient`, within `limit` and `maxBytes`. */
  async page (recipient: string, limit: number, maxBytes: number): Promise<ForwardEntry[]> {
    const entries = await this.ctx.s.relayForward.range({ ...this.ctx.s.peerRange(recipient), limit })
    const out: ForwardEntry[] = []
    let bytes = 0
    for (const [, record] of entries) {
      if (out.length > 0 && bytes + record.envelope.byteLength > maxBytes) break
      bytes += record.envelope.byteLength
      out.push({ id: record.id, seq: record.seq, envelope: record.envelope, expiresAt: record.expiresAt })
    }
    return out
  }

  /** Deletes entries the recipient has made durable. */
  async delivered (recipient: string, entries: ForwardEntry[]): Promise<void> {
    await this.ctx.mutex.run(forwardLock(recipient), async () => {
      const current = await this.ctx.s.relayForward.getMany(entries.map((e) => ({ peerId: recipient, seq: e.seq })))
      const present = current.filter((r) => r !== undefined)
      if (present.length === 0) return
      const batch = this.deleteBatch(recipient, present)
      const stats = this.counters.add(batch, { forwarded: present.length })
      // Not synced, as a mailbox's deletions: lost to a crash, the envelopes are forwarded
      // again and the recipient drops them by envelope id.
      await this.ctx.store.write(batch, { sync: false })
      this.counters.commit(stats)
      this.forget(recipient, present)
    })
  }

  /** The sweeper's part: deletes `recipient`'s entries named by expiry index `keys` that have expired by `now`. */
  async deleteExpired (recipient: string, keys: RelayExpiryKey[], now: number): Promise<number> {
    return this.ctx.mutex.run(forwardLock(recipient), async () => {
      const s = this.ctx.s
      const records = await s.relayForward.getMany(keys.map((k) => ({ peerId: recipient, seq: k.seq })))
      const expired = records.filter((r): r is RelayForwardRecord => r !== undefined && r.expiresAt <= now)
      const batch = this.deleteBatch(recipient, expired)
      const stats = this.counters.add(batch, { forwardExpired: expired.length })
      for (const k of keys) batch.del(s.relayExpiry, k)
      await this.ctx.store.write(batch)
      this.counters.commit(stats)
      this.forget(recipient, expired)
      return expired.length
    })
  }

  private deleteBatch (recipient: string, records: RelayForwardRecord[]): StoreBatch {
    const s = this.ctx.s
    const batch = this.ctx.store.batch()
    for (const record of records) {
      batch.del(s.relayForward, { peerId: recipient, seq: record.seq })
      batch.del(s.relayForwardIds, { peerId: recipient, hex: record.id })
      batch.del(s.relayExpiry, { expiresAt: record.expiresAt, queue: 'f' as const, peerId: recipient, seq: record.seq })
    }
    return batch
  }

  private forget (recipient: string, records: RelayForwardRecord[]): void {
    for (const record of records) {
      this.count--
      this.bytes -= record.envelope.byteLength
    }
    this.decrement(recipient, records.length)
  }

  private decrement (recipient: string, n: number): void {
    const left = (this.byRecipient.get(recipient) ?? 0) - n
    if (left > 0) this.byRecipient.set(recipient, left)
    else this.byRecipient.delete(recipient)
  }
}
