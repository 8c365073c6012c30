/**
 * One-time prekey bundles a mailbox owner leaves at its relay (docs/relay.md, "Prekeys";
 * sublevel `relayPrekeys`): appended by the owner, handed out oldest first, each at most once.
 * Counts are kept in memory; the bundles stay on disk. Changed under the mailbox's lock.
 */
import { mailboxLock, type RelayStoreContext } from './context.js'

export class MailboxPrekeys {
  private readonly ctx: RelayStoreContext
  private readonly counts = new Map<string, { count: number, nextSeq: number }>()

  constructor (ctx: RelayStoreContext) {
    this.ctx = ctx
  }

  async load (): Promise<void> {
    const s = this.ctx.s
    for (const key of await s.relayPrekeys.rangeKeys({})) {
      const { peerId, seq } = s.relayPrekeys.keyCodec.decode(key, 'relayPrekeys')
      const p = this.counts.get(peerId) ?? { count: 0, nextSeq: 1 }
      p.count++
      p.nextSeq = Math.max(p.nextSeq, seq + 1)
      this.counts.set(peerId, p)
    }
  }

  remaining (owner: string): number {
    return this.counts.get(owner)?.count ?? 0
  }

  /**
   * Appends bundles, or with `replace` puts them in place of every one held (docs/relay.md);
   * 'QUOTA' (nothing stored) when more than maxPrekeysHeld would be held.
   */
  async upload (owner: string, exists: () => boolean, bundles: Uint8Array[], replace = false): Promise<{ remaining: number } | 'NOT_FOUND' | 'QUOTA'> {
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      if (!exists()) return 'NOT_FOUND'
      const p = this.counts.get(owner) ?? { count: 0, nextSeq: 1 }
      if ((replace ? 0 : p.count) + bundles.length > this.ctx.limits.maxPrekeysHeld) return 'QUOTA'
      const s = this.ctx.s
      const batch = this.ctx.store.batch()
      // Replacing: the held ones go in the same batch the new ones come in, so no request
      // ever finds the owner with none, nor with old and new mixed.
      if (replace) {
        for (const key of await s.relayPrekeys.rangeKeys(s.peerRange(owner))) batch.del(s.relayPrekeys, s.relayPrekeys.keyCodec.decode(key, 'relayPrekeys'))
      }
      bundles.forEach((bundle, i) => batch.put(s.relayPrekeys, { peerId: owner, seq: p.nextSeq + i }, bundle))
      await this.ctx.store.write(batch)
      p.nextSeq += bundles.length
      p.count = (replace ? 0 : p.count) + bundles.length
      this.counts.set(owner, p)
      return { remaining: p.count }
    })
  }

  /** Removes and returns the oldest bundle; 'NONE_LEFT' when there is none. */
  async take (owner: string, exists: () => boolean): Promise<Uint8Array | 'NOT_FOUND' | 'NONE_LEFT'> {
    return this.ctx.mutex.run(mailboxLock(owner), async () => {
      if (!exists()) return 'NOT_FOUND'
      const p = this.counts.get(owner)
      if (p === undefined || p.count === 0) return 'NONE_LEFT'
      const s = this.ctx.s
      const [first] = await s.relayPrekeys.range({ ...s.peerRange(owner), limit: 1 })
      if (first === undefined) return 'NONE_LEFT'
      const key = s.relayPrekeys.keyCodec.decode(first[0], 'relayPrekeys')
      // Deleted durably before it is handed out: a bundle is never given twice.
      await this.ctx.store.commit((b) => b.del(s.relayPrekeys, key))
      p.count--
      return first[1]
    })
  }
}
