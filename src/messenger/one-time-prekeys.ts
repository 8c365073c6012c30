/**
 * The store side of one-time prekeys (docs/messaging.md, "Prekeys"): which of them are still
 * unissued, which were issued so long ago that no first message can still name them, and
 * reading the few records a bundle request hands out. PrekeyManager keeps the unissued ids in
 * memory (one scan at start, then its own changes) so that a request reads only what it issues.
 */
import type { OneTimeKemPrekeyRecord, OneTimePrekeyRecord, Store, TypedSublevel } from '../store/index.js'

/** A one-time record with the time it was handed out (an optional field added by the messenger). */
export type Issuable<T> = T & { issuedAt?: number }

/** Ids of one-time prekeys of each kind, ascending. */
export interface OneTimeIds {
  x25519: number[]
  kem: number[]
}

export interface OneTimeScan {
  /** Never handed out: what bundle requests may still get. */
  unissued: OneTimeIds
  /** Handed out before the bound given to scanOneTimePrekeys: deletable. */
  expired: OneTimeIds
}

/**
 * Reads every one-time record of both kinds once: the unissued ids, and the issued ones with
 * `issuedAt` before `expiredBefore`. Keys are u32 ids in fixed-width encoding, so the ids come
 * ascending, the order ids were allocated in.
 */
export async function scanOneTimePrekeys (store: Store, expiredBefore: number): Promise<OneTimeScan> {
  const s = store.sublevels
  const [x25519, kem] = await Promise.all([scanKind(s.oneTimePrekeys, expiredBefore), scanKind(s.oneTimeKemPrekeys, expiredBefore)])
  return { unissued: { x25519: x25519.unissued, kem: kem.unissued }, expired: { x25519: x25519.expired, kem: kem.expired } }
}

async function scanKind<V extends OneTimePrekeyRecord | OneTimeKemPrekeyRecord> (sublevel: TypedSublevel<number, V>, expiredBefore: number): Promise<{ unissued: number[], expired: number[] }> {
  const unissued: number[] = []
  const expired: number[] = []
  for (const { key, value } of await sublevel.list()) {
    const issuedAt = (value as Issuable<V>).issuedAt
    if (issuedAt === undefined) unissued.push(key)
    else if (issuedAt < expiredBefore) expired.push(key)
  }
  return { unissued, expired }
}

/**
 * Up to `count` unissued records among `ids` (taken from the front, in order), read by
 * multi-get; `taken` is how many ids from the front were looked at, to be dropped from the
 * caller's list once the records are durably marked issued. A record found missing or already
 * issued is skipped and the next id read: the in-memory list is only a guide, and the stored
 * `issuedAt` decides, so no key is handed out twice even if the list were wrong.
 */
export async function readUnissued<V extends OneTimePrekeyRecord | OneTimeKemPrekeyRecord> (sublevel: TypedSublevel<number, V>, ids: readonly number[], count: number): Promise<{ records: Array<Issuable<V>>, taken: number }> {
  const records: Array<Issuable<V>> = []
  let taken = 0
  while (records.length < count && taken < ids.length) {
    const slice = ids.slice(taken, taken + count - records.length)
    taken += slice.length
    for (const value of await sublevel.getMany(slice)) {
      if (value !== undefined && (value as Issuable<V>).issuedAt === undefined) records.push(value)
    }
  }
  return { records, taken }
}
