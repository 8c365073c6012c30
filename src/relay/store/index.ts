/**
 * The relay's durable state (docs/relay.md, "Storage"), one part per concern: whom it trusts
 * (trust.ts), the mailboxes and their envelopes (mailboxes.ts), the contacts door's capability
 * hashes (capabilities.ts), the owners' one-time prekeys (prekeys.ts), the forward queue
 * (forward-queue.ts), expiry (sweeper.ts) and the counters (counters.ts). This module opens
 * them on the node's store and answers the questions that span them: which door a deposit may
 * use, and a mailbox's status.
 */
import { logger } from '@libp2p/logger'
import type { Store } from '../../store/store.js'
import { MailboxCapabilities } from './capabilities.js'
import { DEFAULT_RELAY_LIMITS, type RelayLimits, type RelayStoreContext } from './context.js'
import { RelayCounters, type RelayStats } from './counters.js'
import type { DepositInput, DepositOutcome, DepositRoute } from './deposit.js'
import { ForwardQueue } from './forward-queue.js'
import { KeyedLocks } from '../../runtime/keyed-locks.js'
import { Mailboxes } from './mailboxes.js'
import { MailboxPrekeys } from './prekeys.js'
import { sweepExpired } from './sweeper.js'
import { RelayTrust } from './trust.js'

export { DEFAULT_RELAY_LIMITS, type RelayLimits } from './context.js'
export type { RelayStats } from './counters.js'
export type { DepositInput, DepositOutcome, DepositRoute } from './deposit.js'
export type { ForwardEntry } from './forward-queue.js'
export type { FetchPage, HeldEnvelope, StoredEnvelope } from './mailboxes.js'

const log = logger('murmur:relay:store')

export interface MailboxStatusInfo {
  count: number
  bytes: number
  maxCount: number
  maxBytes: number
  firstContactCount: number
  firstContactBytes: number
  prekeysRemaining: number
  firstContactOpen: boolean
  capabilities: number
}

export class RelayStore {
  readonly limits: Readonly<RelayLimits>
  readonly trust: RelayTrust
  readonly mailboxes: Mailboxes
  readonly capabilities: MailboxCapabilities
  readonly prekeys: MailboxPrekeys
  readonly forward: ForwardQueue
  private readonly ctx: RelayStoreContext
  private readonly counters: RelayCounters

  private constructor (store: Store, limits: Partial<RelayLimits>, now: () => number) {
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...limits }
    this.ctx = { store, s: store.relaySublevels, limits: this.limits, now, mutex: new KeyedLocks() }
    this.counters = new RelayCounters(this.ctx)
    this.trust = new RelayTrust(this.ctx)
    this.mailboxes = new Mailboxes(this.ctx, this.counters)
    this.capabilities = new MailboxCapabilities(this.ctx)
    this.prekeys = new MailboxPrekeys(this.ctx)
    this.forward = new ForwardQueue(this.ctx, this.counters)
  }

  /** Opens the relay state on an open store, loading the small state into memory. */
  static async open (store: Store, options: { limits?: Partial<RelayLimits>, now?: () => number } = {}): Promise<RelayStore> {
    const relay = new RelayStore(store, options.limits ?? {}, options.now ?? Date.now)
    await Promise.all([relay.trust.load(), relay.mailboxes.load(), relay.capabilities.load(), relay.prekeys.load(), relay.forward.load(), relay.counters.load()])
    log('loaded: %d trusted, %d mailboxes, %d forward', relay.trust.size, relay.mailboxes.size, relay.forward.totals.count)
    return relay
  }

  /** Creates `owner`'s mailbox if the relay trusts it. False: not trusted. */
  async register (owner: string): Promise<boolean> {
    if (!this.trust.has(owner)) return false
    await this.mailboxes.register(owner)
    return true
  }

  /** Which door a deposit may use (docs/relay.md, "Deposit: the doors"); undefined: none (answered NOT_FOUND). */
  route (input: { depositor: string, recipient: string, capabilityHash?: string, prekey: boolean }): DepositRoute | undefined {
    const mailbox = this.mailboxes.record(input.recipient)
    // A mailbox whose owner is no longer trusted takes no new deposits (docs/relay.md, "Trust").
    const open = mailbox !== undefined && this.trust.has(input.recipient)
    if (open && input.capabilityHash !== undefined && this.capabilities.has(input.recipient, input.capabilityHash)) return 'contact'
    if (this.trust.has(input.depositor)) return open ? 'trusted' : 'forward'
    if (open && input.capabilityHash === undefined && input.prekey && mailbox.firstContactOpen) return 'first'
    return undefined
  }

  /** Clamps an envelope's expiresAt to the relay's TTLs; undefined when it has already passed. */
  clampExpiry (expiresAt: number, now = this.ctx.now()): number | undefined {
    if (expiresAt === 0) return now + this.limits.defaultTtlMs
    if (expiresAt <= now) return undefined
    return Math.min(expiresAt, now + this.limits.maxTtlMs)
  }

  /** Stores a deposit along `route` (from route()). Idempotent by envelope id per queue. */
  async deposit (input: DepositInput, route: DepositRoute): Promise<DepositOutcome> {
    const now = this.ctx.now()
    const expiresAt = this.clampExpiry(input.expiresAt, now)
    if (expiresAt === undefined) return { stored: false, code: 'EXPIRED' }
    if (route === 'forward') return this.forward.deposit(input, now, expiresAt)
    return this.mailboxes.deposit(input, route, now, expiresAt)
  }

  /** Adds and removes capability hashes (lowercase hex of 32 bytes) of `owner`'s mailbox. */
  async updateCapabilities (owner: string, add: string[], remove: string[]): Promise<'OK' | 'NOT_FOUND' | 'QUOTA'> {
    return this.capabilities.update(owner, () => this.mailboxes.has(owner), add, remove)
  }

  /** Appends `owner`'s bundles, or with `replace` puts them in place of every one held (docs/relay.md). */
  async uploadPrekeys (owner: string, bundles: Uint8Array[], replace = false): Promise<{ remaining: number } | 'NOT_FOUND' | 'QUOTA'> {
    return this.prekeys.upload(owner, () => this.mailboxes.has(owner), bundles, replace)
  }

  async takePrekey (owner: string): Promise<Uint8Array | 'NOT_FOUND' | 'NONE_LEFT'> {
    return this.prekeys.take(owner, () => this.mailboxes.has(owner))
  }

  status (owner: string): MailboxStatusInfo | undefined {
    const mailbox = this.mailboxes.record(owner)
    if (mailbox === undefined) return undefined
    return {
      count: mailbox.count,
      bytes: mailbox.bytes,
      maxCount: this.limits.mailboxMaxCount,
      maxBytes: this.limits.mailboxMaxBytes,
      firstContactCount: mailbox.firstContactCount,
      firstContactBytes: mailbox.firstContactBytes,
      prekeysRemaining: this.prekeys.remaining(owner),
      firstContactOpen: mailbox.firstContactOpen,
      capabilities: this.capabilities.count(owner)
    }
  }

  /** Deletes expired envelopes (mailboxes and forward queue); returns how many. */
  async sweep (now?: number, max?: number): Promise<number> {
    return sweepExpired(this.ctx, this.mailboxes, this.forward, now, max)
  }

  stats (): RelayStats & { mailboxes: number, forwardQueued: number, forwardBytes: number } {
    const forward = this.forward.totals
    return { ...this.counters.current, mailboxes: this.mailboxes.size, forwardQueued: forward.count, forwardBytes: forward.bytes }
  }
}
