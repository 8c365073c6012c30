/**
 * Expiry (docs/relay.md, "Storage": sublevel `relayExpiry`, keyed `<expiresAt>!<m|f>!<peer>!<seq>`):
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
    const group = `${k.queue}:${k.peerId}`
    const list = groups.get(group) ?? []
    list.push(k)
    groups.set(group, list)
  }
  let deleted = 0
  for (const list of groups.values()) {
    const { queue, peerId } = list[0]
    deleted += queue === 'm' ? await mailboxes.deleteExpired(peerId, list, now) : await forward.deleteExpired(peerId, list, now)
  }
  if (deleted > 0) log('swept %d expired envelopes', deleted)
  return deleted
}
