/**
 * MKSKIPPED (Double Ratchet spec §3.2, §4) with murmur's bounds: at most MAX_SKIPPED_KEYS in
 * all (oldest evicted first), none older than SKIPPED_KEY_MAX_AGE_MS, and a compact memory of
 * which message numbers lost their key and why, so a late message gets a precise error.
 *
 * Every function returns a new state (or the same one when nothing changes: an in-order
 * message must not pay O(skipped keys) for copying the list).
 */
import { MAX_SKIPPED_KEYS, MAX_UNAVAILABLE_RANGES, SKIPPED_KEY_MAX_AGE_MS } from './constants.js'
import { bytesEqual } from './bytes.js'
import type { RatchetState, SkippedMessageKey, UnavailableRange, UnavailableReason } from './state.js'

/** Index of the key for (headerKey, messageNumber), or -1. */
export function findSkippedKey (keys: readonly SkippedMessageKey[], headerKey: Uint8Array, messageNumber: number): number {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (key.messageNumber === messageNumber && bytesEqual(key.headerKey, headerKey)) return i
  }
  return -1
}

/** The reason a message number's key is gone, if the ranges say so. */
export function unavailableReason (ranges: readonly UnavailableRange[], messageNumber: number): UnavailableReason | null {
  for (const range of ranges) {
    if (messageNumber >= range.first && messageNumber <= range.last) return range.reason
  }
  return null
}

/**
 * Insert first..last into sorted, disjoint ranges, merging with a neighbour of the same reason.
 * Past MAX_UNAVAILABLE_RANGES the two lowest ranges are merged (the gap between them then
 * reads as unavailable rather than duplicate: an imprecise error, never a decryption).
 */
export function addUnavailableRange (ranges: readonly UnavailableRange[], first: number, last: number, reason: UnavailableReason): UnavailableRange[] {
  const out: UnavailableRange[] = []
  let inserted: UnavailableRange = { first, last, reason }
  let placed = false
  for (const range of ranges) {
    if (placed || range.last < inserted.first - 1 || (range.last === inserted.first - 1 && range.reason !== reason)) {
      out.push(range)
      continue
    }
    if (range.last === inserted.first - 1 && range.reason === reason) {
      // Adjacent below: extend it.
      inserted = { first: range.first, last: inserted.last, reason }
      continue
    }
    if (range.first === inserted.last + 1 && range.reason === reason) {
      out.push({ first: inserted.first, last: range.last, reason })
      placed = true
      continue
    }
    // range lies above the new one.
    out.push(inserted, range)
    placed = true
  }
  if (!placed) out.push(inserted)
  while (out.length > MAX_UNAVAILABLE_RANGES) {
    const [a, b] = out
    out.splice(0, 2, { first: a.first, last: b.last, reason: b.reason })
  }
  return out
}

/**
 * Record removed (evicted or expired) keys in the unavailable ranges of their chains. Keys
 * of a chain the state no longer knows are simply forgotten.
 */
function recordUnavailable (state: RatchetState, removed: readonly SkippedMessageKey[], reason: UnavailableReason): RatchetState {
  let receivingUnavailable = state.receivingUnavailable
  const previous = state.previousReceivingChains.slice()

  const flush = (headerKey: Uint8Array, first: number, last: number): void => {
    if (state.receivingHeaderKey !== null && bytesEqual(headerKey, state.receivingHeaderKey)) {
      receivingUnavailable = addUnavailableRange(receivingUnavailable, first, last, reason)
      return
    }
    const index = previous.findIndex((chain) => bytesEqual(chain.headerKey, headerKey))
    if (index >= 0) {
      const chain = previous[index]
      previous[index] = { ...chain, unavailable: addUnavailableRange(chain.unavailable, first, last, reason) }
    }
  }

  // Keys come oldest first, so one chain's numbers appear in increasing runs.
  let run: { headerKey: Uint8Array, first: number, last: number } | null = null
  for (const key of removed) {
    if (run !== null && key.messageNumber === run.last + 1 && bytesEqual(key.headerKey, run.headerKey)) {
      run.last = key.messageNumber
      continue
    }
    if (run !== null) flush(run.headerKey, run.first, run.last)
    run = { headerKey: key.headerKey, first: key.messageNumber, last: key.messageNumber }
  }
  if (run !== null) flush(run.headerKey, run.first, run.last)

  return { ...state, receivingUnavailable, previousReceivingChains: previous }
}

/** Drop keys older than SKIPPED_KEY_MAX_AGE_MS at `now`. O(1) when none has expired. */
export function pruneExpiredKeys (state: RatchetState, now: number): RatchetState {
  const keys = state.skippedMessageKeys
  let count = 0
  // createdAt never decreases along the list, so the expired keys are a prefix.
  while (count < keys.length && now - keys[count].createdAt > SKIPPED_KEY_MAX_AGE_MS) count++
  if (count === 0) return state
  return recordUnavailable({ ...state, skippedMessageKeys: keys.slice(count) }, keys.slice(0, count), 'expired')
}

/** Evict the oldest keys beyond MAX_SKIPPED_KEYS. */
export function evictOverflowKeys (state: RatchetState): RatchetState {
  const keys = state.skippedMessageKeys
  const excess = keys.length - MAX_SKIPPED_KEYS
  if (excess <= 0) return state
  return recordUnavailable({ ...state, skippedMessageKeys: keys.slice(excess) }, keys.slice(0, excess), 'evicted')
}

/** The key list without entry `index`. */
export function withoutKey (keys: readonly SkippedMessageKey[], index: number): SkippedMessageKey[] {
  return keys.slice(0, index).concat(keys.slice(index + 1))
}

/** createdAt for a key added now, clamped so the list stays sorted even if the clock steps back. */
export function nextCreatedAt (keys: readonly SkippedMessageKey[], now: number): number {
  const lastKey = keys.length > 0 ? keys[keys.length - 1] : undefined
  return lastKey !== undefined && lastKey.createdAt > now ? lastKey.createdAt : now
}
