/**
 * Whom this relay serves (docs/relay.md, "Trust"; sublevel `trust`): the peers its owner
 * trusts may register mailboxes and forward through it. Kept in memory, written through.
 */
import type { RelayStoreContext } from './context.js'

export class RelayTrust {
  private readonly ctx: RelayStoreContext
  private readonly trusted = new Map<string, number>()

  constructor (ctx: RelayStoreContext) {
    this.ctx = ctx
  }

  async load (): Promise<void> {
    for (const { key, value } of await this.ctx.s.trust.list()) this.trusted.set(key, value.addedAt)
  }

  has (peerId: string): boolean {
    return this.trusted.has(peerId)
  }

  async add (peerId: string): Promise<void> {
    if (this.trusted.has(peerId)) return
    const addedAt = this.ctx.now()
    await this.ctx.store.commit((b) => b.put(this.ctx.s.trust, peerId, { addedAt }))
    this.trusted.set(peerId, addedAt)
  }

  /** Stops trusting `peerId`: no new registrations or forwarding; a mailbox keeps what it holds for its owner. */
  async remove (peerId: string): Promise<void> {
    if (!this.trusted.has(peerId)) return
    await this.ctx.store.commit((b) => b.del(this.ctx.s.trust, peerId))
    this.trusted.delete(peerId)
  }

  list (): Array<{ peerId: string, addedAt: number }> {
    return [...this.trusted].map(([peerId, addedAt]) => ({ peerId, addedAt })).sort((a, b) => a.addedAt - b.addedAt)
  }

  get size (): number {
    return this.trusted.size
  }
}
