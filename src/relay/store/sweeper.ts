/**
 * Expiry (docs/relay.md, "Storage": sublevel `relayExpiry`, keyed `<expiresAt>!n!<mailbox>!<seq>` and
 * `<expiresAt>!f!<peer>!<seq>`):
 * finds the envelopes whose time to live has passed, in mailboxes and in the forward queue, and
 * has each queue delete its own under its own lock.
 */
import { encodeU53 } from '../../store/codec.js'
import type { RelayExpiryKey } from '../../store/layout.js'
import { logger } from '@libp2p/logger'
import { SWEEP_BATCH } from '../constants.js'
import type { RelayStoreContext } from './context.js'
import type { ForwardQueue } from './forward-queue.js'
import type { Mailboxes } from './mailboxes.js'

const log = logger('murmur:relay:store')

/**
 * Deletes envelopes whose expiry has passed by `now`, at most `max` index entries per call, and
 * counts them in the relay's counters. Returns how many envelopes were deleted.
 */
export async function sweepExpired (ctx: RelayStoreContext, mailboxes: Mailboxes, forward: ForwardQueue, now = ctx.now(), max = SWEEP_BATCH): Promise<number> {
  const index = ctx.s.relayExpiry
  const keys = await index.rangeKeys({ lt: encodeU53(now + 1), limit: max })
  const groups = new Map<string, RelayExpiryKey[]>()
  for (const key of keys) {
    const k = index.keyCodec.decode(key, 'relayExpiry')
    const group = k.queue === 'n' ? `n:${k.mailbox}` : `${k.queue}:${k.peerId}`
    const list = groups.get(group) ?? []
    list.push(k)
    groups.set(group, list)
  }
  let deleted = 0
  for (const list of groups.values()) {
    const k = list[0]
    if (k.queue === 'n') deleted += await mailboxes.deleteExpired(k.mailbox, list, now)
    else if (k.queue === 'f') deleted += await forward.deleteExpired(k.peerId, list, now)
    else {
      // `m`: the layout before mailbox numbers, which the store's open moves entirely (the
      // entries move with their envelopes): one left behind points at nothing.
      await ctx.store.commit((b) => { for (const orphan of list) b.del(index, orphan) })
    }
  }
  if (deleted > 0) log('swept %d expired envelopes', deleted)
  return deleted
}
