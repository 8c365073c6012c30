/**
 * The contacts door's keys (docs/relay.md, "Deposit: the doors"; sublevel `relayCapabilities`):
 * per mailbox, the SHA-256 hashes (lowercase hex) of the capabilities its owner gave its
 * contacts. Kept in memory, written through; changed under the mailbox's lock.
 */
import { mailboxLock, type RelayStoreContext } from './context.js'

export class MailboxCapabilities {
  private readonly ctx: RelayStoreContext
  private readonly hashes = new Map<string, Set<string>>()

  constructor (ctx: RelayStoreContext) {
    this.ctx = ctx
  }

  async load (): Promise<void> {
    const s = this.ctx.s
    for (const key of await s.relayCapabilities.rangeKeys({})) {
      const { peerId, hex } = s.relayCapabilities.keyCodec.decode(key, 'relayCapabilities')
      this.of(peerId).add(hex)
    }
  }

  has (owner: string, hash: string): boolean {
    return this.hashes.get(owner)?.has(hash) ?? false
  }

  count (owner: string): number {
    return this.hashes.get(owner)?.size ?? 0
  }

  /**
   * Adds and removes hashes of `owner`'s mailbox (`exists` says whether it has one). 'QUOTA'
   * when the result would hold more than maxCapabilities; nothing changes then.
   */
  async update (owner: string, exists: () => boolean, add: string[], remove: string[]): Promise<'OK' | 'NOT_FOUND' | 'QUOTA'> {
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      if (!exists()) return 'NOT_FOUND'
      const current = this.of(owner)
      const next = new Set(current)
      for (const hex of remove) next.delete(hex)
      for (const hex of add) next.add(hex)
      if (next.size > this.ctx.limits.maxCapabilities) return 'QUOTA'
      const at = this.ctx.now()
      const batch = this.ctx.store.batch()
      for (const hex of remove) if (!next.has(hex)) batch.del(this.ctx.s.relayCapabilities, { peerId: owner, hex })
      for (const hex of add) if (!current.has(hex)) batch.put(this.ctx.s.relayCapabilities, { peerId: owner, hex }, { addedAt: at })
      await this.ctx.store.write(batch)
      this.hashes.set(owner, next)
      return 'OK'
    })
  }

  private of (owner: string): Set<string> {
    let set = this.hashes.get(owner)
    if (set === undefined) {
      set = new Set()
      this.hashes.set(owner, set)
    }
    return set
  }
}
