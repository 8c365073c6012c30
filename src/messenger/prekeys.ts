/**
 * The owner's side of PQXDH prekeys (DESIGN.md "Key agreement"): keeps a signed prekey, a
 * last-resort ML-KEM prekey and a supply of one-time prekeys in the store; hands out bundles
 * (one one-time pair per request); builds the responder context for incoming PreKeyMessages;
 * replaces the signed and last-resort prekeys weekly and keeps the old ones for a grace period.
 *
 * One-time prekeys are marked `issuedAt` when handed out, so no two requesters get the same
 * one, and deleted when the first message of their session decrypts (the caller commits
 * `consumeOps` in the same batch as the new session), or by maintain() once no first message
 * can still name them (ISSUED_ONE_TIME_PREKEY_LIFETIME_MS). The ids still unissued are kept in
 * memory, so a bundle request reads only the records it hands out (one-time-prekeys.ts).
 */
import type { Identity } from '../crypto/identity.js'
import {
  generateLastResortKemPreKey, generateOneTimeKemPreKeys, generateOneTimePreKeys,
  generateSignedPreKey, type ConsumedPreKeys, type PreKeyBundle, type PreKeyMessage, type ResponderContext
} from '../crypto/pqxdh/index.js'
import { equal as bytesEqual } from '../crypto/bytes.js'
import type { CryptoProvider } from '../crypto/provider.js'
import type {
  LastResortKemPrekeyRecord, OneTimeKemPrekeyRecord, OneTimePrekeyRecord, SignedPrekeyRecord, Store, StoreBatch
} from '../store/index.js'
import {
  ISSUED_ONE_TIME_PREKEY_LIFETIME_MS, ONE_TIME_PREKEY_SWEEP_MS, ONE_TIME_PREKEYS_LOW, ONE_TIME_PREKEYS_TARGET,
  SIGNED_PREKEY_GRACE_MS, SIGNED_PREKEY_ROTATION_MS
} from './constants.js'
import { readUnissued, scanOneTimePrekeys, type Issuable, type OneTimeIds, type OneTimeScan } from './one-time-prekeys.js'

/** Settings key: the next prekey id to allocate (ids are u32, one sequence for every kind). */
export const NEXT_PREKEY_ID = 'nextPrekeyId'

/** How far a restore moves the next prekey id: more ids than an old store allocates after a backup (restoredPrekeys). */
export const PREKEY_ID_RESTORE_JUMP = 2 ** 20
/** The highest next id a restore moves to: room for about 4,000 restores, and ids still left. */
const MAX_RESTORED_NEXT_ID = 2 ** 32 - 2 * PREKEY_ID_RESTORE_JUMP

/**
 * A backup's prekeys as a restore writes them (docs/store.md, "Backup files"). The old store may
 * have handed out, after the backup, one-time prekeys the backup holds as unissued, and
 * allocated the ids after the backup's next one to new keys. So every one-time prekey counts as
 * issued at the restore: kept for a first message that names it (until
 * ISSUED_ONE_TIME_PREKEY_LIFETIME_MS), never handed out again (maintain() makes new ones). And
 * ids go on PREKEY_ID_RESTORE_JUMP further (`nextId`), so that no id names two keys.
 */
export function restoredPrekeys (backup: { oneTimePrekeys: OneTimePrekeyRecord[], oneTimeKemPrekeys: OneTimeKemPrekeyRecord[] }, nextId: number | undefined, now: number): { oneTimePrekeys: OneTimePrekeyRecord[], oneTimeKemPrekeys: OneTimeKemPrekeyRecord[], nextId: number } {
  const issued = <V extends OneTimePrekeyRecord | OneTimeKemPrekeyRecord>(r: V): V => (r as Issuable<V>).issuedAt !== undefined ? r : { ...r, issuedAt: now }
  const next = nextId !== undefined && Number.isSafeInteger(nextId) && nextId >= 1 ? nextId : 1
  return {
    oneTimePrekeys: backup.oneTimePrekeys.map(issued),
    oneTimeKemPrekeys: backup.oneTimeKemPrekeys.map(issued),
    nextId: Math.max(next, Math.min(next + PREKEY_ID_RESTORE_JUMP, MAX_RESTORED_NEXT_ID))
  }
}

/** The key of its kind made last: the current one. */
function newest<T extends { createdAt: number }> (keys: readonly T[]): T | undefined {
  let found: T | undefined
  for (const key of keys) if (found === undefined || key.createdAt > found.createdAt) found = key
  return found
}

/** The ids of the keys replaced SIGNED_PREKEY_GRACE_MS ago or more (constants.ts): deletable. */
function retiredIds (keys: ReadonlyArray<{ id: number, createdAt: number }>, now: number): Set<number> {
  const retired = new Set<number>()
  for (const key of keys) {
    const replacedAt = replacementTime(keys, key)
    if (replacedAt !== undefined && now - replacedAt >= SIGNED_PREKEY_GRACE_MS) retired.add(key.id)
  }
  return retired
}

/** When `key` was replaced: the creation of the oldest key of its kind newer than it; none if it is the newest. */
function replacementTime (keys: ReadonlyArray<{ createdAt: number }>, key: { createdAt: number }): number | undefined {
  let replacedAt: number | undefined
  for (const other of keys) {
    if (other.createdAt > key.createdAt && (replacedAt === undefined || other.createdAt < replacedAt)) replacedAt = other.createdAt
  }
  return replacedAt
}

export class PrekeyManager {
  private readonly store: Store
  private readonly identity: Identity
  private readonly provider: CryptoProvider
  /** Serializes id allocation and issuing, so concurrent bundle requests never share a key. */
  private queue: Promise<unknown> = Promise.resolve()
  /**
   * The unissued one-time ids of each kind, ascending (the order they are handed out in):
   * loaded by one scan on first use, then changed, under the lock, only after the write that
   * makes the change durable has succeeded, so it is never ahead of the store. Consuming a key
   * (consumeOps, in the caller's batch) does not touch it: only issued keys are consumed.
   */
  private unissued: OneTimeIds | undefined
  /** When maintain() last looked for expired issued keys (`now` as it was given). */
  private sweptAt: number | undefined

  /** Told of every new signed or last-resort prekey, whichever maintain() made it (start, a bundle request, tending). */
  private readonly onRotated: (() => void) | undefined

  constructor (store: Store, identity: Identity, provider: CryptoProvider, onRotated?: () => void) {
    this.store = store
    this.identity = identity
    this.provider = provider
    this.onRotated = onRotated
  }

  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => {})
    return await run
  }

  private async allocateIds (count: number): Promise<number> {
    const stored = await this.store.sublevels.settings.get(NEXT_PREKEY_ID)
    const first = typeof stored === 'number' ? stored : 1
    await this.store.commit(b => { b.put(this.store.sublevels.settings, NEXT_PREKEY_ID, first + count) }, { sync: true })
    return first
  }

  /** The unissued ids; the first call scans the store. Under the lock only. */
  private async unissuedIds (): Promise<OneTimeIds> {
    this.unissued ??= (await scanOneTimePrekeys(this.store, -Infinity)).unissued
    return this.unissued
  }

  /**
   * Creates what is missing, rotates what is due, tops up one-time prekeys, and (at its first
   * run, then at most every ONE_TIME_PREKEY_SWEEP_MS) deletes issued one-time prekeys older than
   * ISSUED_ONE_TIME_PREKEY_LIFETIME_MS. Idempotent. Says whether it made a new signed or
   * last-resort prekey (what the contact record publishes, and every bundle names).
   */
  async maintain (now = Date.now()): Promise<{ rotated: boolean }> {
    const result = await this.exclusive(async () => {
      const s = this.store.sublevels
      const signed = (await s.signedPrekeys.list()).map(e => e.value)
      const newestSigned = newest(signed)
      const lastResort = (await s.lastResortKemPrekeys.list()).map(e => e.value)
      const newestLastResort = newest(lastResort)
      // The sweep's scan is the store's truth under the lock: it replaces the in-memory ids.
      const sweep: OneTimeScan | undefined = this.sweptAt === undefined || Math.abs(now - this.sweptAt) >= ONE_TIME_PREKEY_SWEEP_MS
        ? await scanOneTimePrekeys(this.store, now - ISSUED_ONE_TIME_PREKEY_LIFETIME_MS)
        : undefined
      if (sweep !== undefined) this.unissued = sweep.unissued
      const book = await this.unissuedIds()
      const expired = sweep?.expired ?? { x25519: [], kem: [] }

      // The signed prekey and the last-resort ML-KEM prekey are both replaced on the same
      // schedule (PQXDH, "Publishing keys": a new signed curve prekey and last-resort PQ prekey
      // at some interval), each on its own age.
      const needSigned = newestSigned == null || now - newestSigned.createdAt >= SIGNED_PREKEY_ROTATION_MS
      const needLastResort = newestLastResort == null || now - newestLastResort.createdAt >= SIGNED_PREKEY_ROTATION_MS
      const fewest = Math.min(book.x25519.length, book.kem.length)
      const topUp = fewest < ONE_TIME_PREKEYS_LOW ? ONE_TIME_PREKEYS_TARGET - fewest : 0
      const idsNeeded = (needSigned ? 1 : 0) + (needLastResort ? 1 : 0) + 2 * topUp
      if (idsNeeded === 0 && signed.length <= 1 && lastResort.length <= 1 && expired.x25519.length + expired.kem.length === 0) {
        if (sweep !== undefined) this.sweptAt = now
        return { rotated: false }
      }

      let next = idsNeeded > 0 ? await this.allocateIds(idsNeeded) : 0
      const batch = this.store.batch()
      if (needSigned) {
        const spk = generateSignedPreKey(this.provider, this.identity, next++, { now })
        batch.put(s.signedPrekeys, spk.id, { id: spk.id, publicKey: spk.keyPair.publicKey, privateKey: spk.keyPair.privateKey, signature: spk.signature, createdAt: spk.createdAt })
      }
      // A replaced key stays for the grace period after its replacement was made, for first
      // messages still on their way (constants.ts).
      const retiredSigned = retiredIds(signed, now)
      const retiredLastResort = retiredIds(lastResort, now)
      for (const id of retiredSigned) batch.del(s.signedPrekeys, id)
      for (const id of retiredLastResort) batch.del(s.lastResortKemPrekeys, id)
      // The base keys remembered against replays of last-resort first messages (PQXDH,
      // "Receiving the initial message") name both keys: once either is gone, such a message
      // fails on it anyway, and the record would only stay for ever.
      if (retiredSigned.size + retiredLastResort.size > 0) {
        for (const { key } of await s.lastResortBaseKeys.list()) {
          if (retiredSigned.has(key.signedPrekeyId) || retiredLastResort.has(key.kemPrekeyId)) batch.del(s.lastResortBaseKeys, key)
        }
      }
      if (needLastResort) {
        const kem = generateLastResortKemPreKey(this.provider, this.identity, next++, { now })
        batch.put(s.lastResortKemPrekeys, kem.id, { id: kem.id, publicKey: kem.keyPair.publicKey, privateKey: kem.keyPair.privateKey, signature: kem.signature, createdAt: kem.createdAt })
      }
      const added: OneTimeIds = { x25519: [], kem: [] }
      if (topUp > 0) {
        for (const k of generateOneTimePreKeys(this.provider, next, topUp, { now })) {
          batch.put(s.oneTimePrekeys, k.id, { id: k.id, publicKey: k.keyPair.publicKey, privateKey: k.keyPair.privateKey, createdAt: k.createdAt })
          added.x25519.push(k.id)
        }
        next += topUp
        for (const k of generateOneTimeKemPreKeys(this.provider, this.identity, next, topUp, { now })) {
          batch.put(s.oneTimeKemPrekeys, k.id, { id: k.id, publicKey: k.keyPair.publicKey, privateKey: k.keyPair.privateKey, signature: k.signature, createdAt: k.createdAt })
          added.kem.push(k.id)
        }
      }
      // Issued long enough ago that no first message can still name them (constants.ts).
      for (const id of expired.x25519) batch.del(s.oneTimePrekeys, id)
      for (const id of expired.kem) batch.del(s.oneTimeKemPrekeys, id)
      if (batch.length > 0) await this.store.write(batch, { sync: true })
      // Durable now. New ids are above every allocated one, so appending keeps the order.
      book.x25519.push(...added.x25519)
      book.kem.push(...added.kem)
      if (sweep !== undefined) this.sweptAt = now
      return { rotated: needSigned || needLastResort }
    })
    // Outside the lock: what follows a rotation (restocking our relays) issues bundles.
    if (result.rotated) this.onRotated?.()
    return result
  }

  private async currentSigned (): Promise<SignedPrekeyRecord> {
    const signed = (await this.store.sublevels.signedPrekeys.list()).map(e => e.value)
    const current = newest(signed)
    if (current == null) throw new Error('no signed prekey: maintain() must run first')
    return current
  }

  private async currentLastResort (): Promise<LastResortKemPrekeyRecord> {
    const all = (await this.store.sublevels.lastResortKemPrekeys.list()).map(e => e.value)
    const current = newest(all)
    if (current == null) throw new Error('no last-resort prekey: maintain() must run first')
    return current
  }

  /** The bundle without one-time keys (what the DHT contact record carries). */
  async publicBundle (): Promise<PreKeyBundle> {
    const spk = await this.currentSigned()
    const kem = await this.currentLastResort()
    return {
      identityKey: this.identity.publicKey,
      signedPreKey: { id: spk.id, publicKey: spk.publicKey, signature: spk.signature },
      lastResortKemPreKey: { id: kem.id, publicKey: kem.publicKey, signature: kem.signature }
    }
  }

  /**
   * A bundle with one unissued one-time X25519 prekey and one one-time KEM prekey, both marked
   * issued before the bundle leaves. Falls back to the last-resort keys when none remain.
   */
  async issueBundle (now = Date.now()): Promise<PreKeyBundle> {
    return (await this.issueBundles(1, now))[0]
  }

  /**
   * `count` bundles as issueBundle gives them, each with its own one-time prekeys (the
   * last-resort keys alone once none remain), in one synced write: a relay's supply
   * (PREKEYS_AT_RELAY) would otherwise cost one fsync per bundle. Only the records handed out
   * are read (one multi-get per kind); the in-memory unissued ids say which.
   */
  async issueBundles (count: number, now = Date.now()): Promise<PreKeyBundle[]> {
    const bundles = await this.exclusive(async () => {
      const s = this.store.sublevels
      const spk = await this.currentSigned()
      const kem = await this.currentLastResort()
      const book = await this.unissuedIds()
      const [x25519, kems] = await Promise.all([
        readUnissued(s.oneTimePrekeys, book.x25519, count),
        readUnissued(s.oneTimeKemPrekeys, book.kem, count)
      ])
      const otks = x25519.records
      const otkKems = kems.records
      const batch = this.store.batch()
      const issued: PreKeyBundle[] = []
      for (let i = 0; i < count; i++) {
        const otk = otks[i]
        const otkKem = otkKems[i]
        if (otk != null) batch.put(s.oneTimePrekeys, otk.id, { ...otk, issuedAt: now } as OneTimePrekeyRecord)
        if (otkKem != null) batch.put(s.oneTimeKemPrekeys, otkKem.id, { ...otkKem, issuedAt: now } as OneTimeKemPrekeyRecord)
        issued.push({
          identityKey: this.identity.publicKey,
          signedPreKey: { id: spk.id, publicKey: spk.publicKey, signature: spk.signature },
          lastResortKemPreKey: { id: kem.id, publicKey: kem.publicKey, signature: kem.signature },
          ...(otk != null ? { oneTimePreKey: { id: otk.id, publicKey: otk.publicKey } } : {}),
          ...(otkKem != null ? { oneTimeKemPreKey: { id: otkKem.id, publicKey: otkKem.publicKey, signature: otkKem.signature } } : {})
        } satisfies PreKeyBundle)
      }
      if (batch.length > 0) await this.store.write(batch, { sync: true })
      // Marked issued durably: only now do they leave the unissued ids (a failed write leaves them).
      book.x25519.splice(0, x25519.taken)
      book.kem.splice(0, kems.taken)
      return issued
    })
    // Replenish in the background of this request, not on its path.
    void this.maintain(now).catch(() => {})
    return bundles
  }

  /**
   * Loads the prekeys a PreKeyMessage names and returns the synchronous responder context the
   * pure PQXDH code needs.
   */
  async responderContext (message: PreKeyMessage): Promise<ResponderContext> {
    const s = this.store.sublevels
    const spk = await s.signedPrekeys.get(message.signedPreKeyId)
    const kem = message.kemPreKeyKind === 'last-resort'
      ? await s.lastResortKemPrekeys.get(message.kemPreKeyId)
      : await s.oneTimeKemPrekeys.get(message.kemPreKeyId)
    const otk = message.oneTimePreKeyId != null ? await s.oneTimePrekeys.get(message.oneTimePreKeyId) : undefined
    const used = message.kemPreKeyKind === 'last-resort'
      ? await s.lastResortBaseKeys.get({ kemPrekeyId: message.kemPreKeyId, signedPrekeyId: message.signedPreKeyId, baseKey: message.baseKey })
      : undefined
    return {
      identity: this.identity,
      findSignedPreKey: (id) => (spk != null && spk.id === id ? { keyPair: { publicKey: spk.publicKey, privateKey: spk.privateKey } } : undefined),
      findKemPreKey: (id) => (kem != null && kem.id === id ? { keyPair: { publicKey: kem.publicKey, privateKey: kem.privateKey } } : undefined),
      findOneTimePreKey: (id) => (otk != null && otk.id === id ? { keyPair: { publicKey: otk.publicKey, privateKey: otk.privateKey } } : undefined),
      isLastResortBaseKeyUsed: (_id, baseKey) => used != null && bytesEqual(used.baseKey, baseKey)
    }
  }

  /** Adds to `batch` the deletions and records that accepting a PreKeyMessage requires. */
  consumeOps (batch: StoreBatch, message: PreKeyMessage, consumed: ConsumedPreKeys, now = Date.now()): void {
    const s = this.store.sublevels
    if (consumed.oneTimePreKeyId != null) batch.del(s.oneTimePrekeys, consumed.oneTimePreKeyId)
    if (consumed.oneTimeKemPreKeyId != null) batch.del(s.oneTimeKemPrekeys, consumed.oneTimeKemPreKeyId)
    if (consumed.lastResortBaseKey != null) {
      const key = { kemPrekeyId: consumed.lastResortBaseKey.kemPreKeyId, signedPrekeyId: message.signedPreKeyId, baseKey: consumed.lastResortBaseKey.baseKey }
      batch.put(s.lastResortBaseKeys, key, { ...key, usedAt: now })
    }
  }

  /** How many one-time prekeys of each kind are still unissued. */
  async counts (): Promise<{ oneTime: number, oneTimeKem: number }> {
    const book = await this.exclusive(async () => await this.unissuedIds())
    return { oneTime: book.x25519.length, oneTimeKem: book.kem.length }
  }
}
