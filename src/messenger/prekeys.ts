/**
 * The owner's side of PQXDH prekeys (DESIGN.md "Key agreement"): keeps a signed prekey, a
 * last-resort ML-KEM prekey and a supply of one-time prekeys in the store; hands out bundles
 * (one one-time pair per request); builds the responder context for incoming PreKeyMessages;
 * rotates the signed prekey weekly and keeps the old one for a grace period.
 *
 * One-time prekeys are marked `issuedAt` when handed out, so no two requesters get the same
 * one, and deleted only when the first message of their session decrypts (the caller commits
 * `consumeOps` in the same batch as the new session).
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
  ONE_TIME_PREKEYS_LOW, ONE_TIME_PREKEYS_TARGET, SIGNED_PREKEY_GRACE_MS, SIGNED_PREKEY_ROTATION_MS
} from './constants.js'

const NEXT_PREKEY_ID = 'nextPrekeyId'

/** A one-time record with the time it was handed out (an optional field added by the messenger). */
type Issuable<T> = T & { issuedAt?: number }

export class PrekeyManager {
  private readonly store: Store
  private readonly identity: Identity
  private readonly provider: CryptoProvider
  /** Serializes id allocation and issuing, so concurrent bundle requests never share a key. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor (store: Store, identity: Identity, provider: CryptoProvider) {
    this.store = store
    this.identity = identity
    this.provider = provider
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

  /** Creates what is missing, rotates what is due, tops up one-time prekeys. Idempotent. */
  async maintain (now = Date.now()): Promise<void> {
    await this.exclusive(async () => {
      const s = this.store.sublevels
      const signed = (await s.signedPrekeys.list()).map(e => e.value)
      const newestSigned = signed.reduce<SignedPrekeyRecord | undefined>((a, b) => (a == null || b.createdAt > a.createdAt ? b : a), undefined)
      const lastResort = (await s.lastResortKemPrekeys.list()).map(e => e.value)
      const unissued = (await s.oneTimePrekeys.list()).filter(e => (e.value as Issuable<OneTimePrekeyRecord>).issuedAt === undefined).length
      const unissuedKem = (await s.oneTimeKemPrekeys.list()).filter(e => (e.value as Issuable<OneTimeKemPrekeyRecord>).issuedAt === undefined).length

      const needSigned = newestSigned == null || now - newestSigned.createdAt >= SIGNED_PREKEY_ROTATION_MS
      const needLastResort = lastResort.length === 0
      const topUp = Math.min(unissued, unissuedKem) < ONE_TIME_PREKEYS_LOW ? ONE_TIME_PREKEYS_TARGET - Math.min(unissued, unissuedKem) : 0
      const idsNeeded = (needSigned ? 1 : 0) + (needLastResort ? 1 : 0) + 2 * topUp
      if (idsNeeded === 0 && signed.length <= 1) return

      let next = idsNeeded > 0 ? await this.allocateIds(idsNeeded) : 0
      const batch = this.store.batch()
      if (needSigned) {
        const spk = generateSignedPreKey(this.provider, this.identity, next++, { now })
        batch.put(s.signedPrekeys, spk.id, { id: spk.id, publicKey: spk.keyPair.publicKey, privateKey: spk.keyPair.privateKey, signature: spk.signature, createdAt: spk.createdAt })
      }
      // Rotated-out signed prekeys stay for a grace period, for messages still in flight.
      for (const old of signed) {
        if (old !== newestSigned && now - old.createdAt >= SIGNED_PREKEY_ROTATION_MS + SIGNED_PREKEY_GRACE_MS) batch.del(s.signedPrekeys, old.id)
      }
      if (needLastResort) {
        const kem = generateLastResortKemPreKey(this.provider, this.identity, next++, { now })
        batch.put(s.lastResortKemPrekeys, kem.id, { id: kem.id, publicKey: kem.keyPair.publicKey, privateKey: kem.keyPair.privateKey, signature: kem.signature, createdAt: kem.createdAt })
      }
      if (topUp > 0) {
        for (const k of generateOneTimePreKeys(this.provider, next, topUp, { now })) {
          batch.put(s.oneTimePrekeys, k.id, { id: k.id, publicKey: k.keyPair.publicKey, privateKey: k.keyPair.privateKey, createdAt: k.createdAt })
        }
        next += topUp
        for (const k of generateOneTimeKemPreKeys(this.provider, this.identity, next, topUp, { now })) {
          batch.put(s.oneTimeKemPrekeys, k.id, { id: k.id, publicKey: k.keyPair.publicKey, privateKey: k.keyPair.privateKey, signature: k.signature, createdAt: k.createdAt })
        }
      }
      if (batch.length > 0) await this.store.write(batch, { sync: true })
    })
  }

  private async currentSigned (): Promise<SignedPrekeyRecord> {
    const signed = (await this.store.sublevels.signedPrekeys.list()).map(e => e.value)
    const newest = signed.reduce<SignedPrekeyRecord | undefined>((a, b) => (a == null || b.createdAt > a.createdAt ? b : a), undefined)
    if (newest == null) throw new Error('no signed prekey: maintain() must run first')
    return newest
  }

  private async currentLastResort (): Promise<LastResortKemPrekeyRecord> {
    const all = (await this.store.sublevels.lastResortKemPrekeys.list()).map(e => e.value)
    const newest = all.reduce<LastResortKemPrekeyRecord | undefined>((a, b) => (a == null || b.createdAt > a.createdAt ? b : a), undefined)
    if (newest == null) throw new Error('no last-resort prekey: maintain() must run first')
    return newest
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
   * last-resort keys alone once none remain), in one read of the prekeys and one synced write:
   * a relay's supply (PREKEYS_AT_RELAY) cost one scan of every prekey and one fsync per bundle.
   */
  async issueBundles (count: number, now = Date.now()): Promise<PreKeyBundle[]> {
    const bundles = await this.exclusive(async () => {
      const s = this.store.sublevels
      const spk = await this.currentSigned()
      const kem = await this.currentLastResort()
      const otks = (await s.oneTimePrekeys.list()).map(e => e.value as Issuable<OneTimePrekeyRecord>).filter(k => k.issuedAt === undefined)
      const otkKems = (await s.oneTimeKemPrekeys.list()).map(e => e.value as Issuable<OneTimeKemPrekeyRecord>).filter(k => k.issuedAt === undefined)
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

  async counts (): Promise<{ oneTime: number, oneTimeKem: number }> {
    const s = this.store.sublevels
    const oneTime = (await s.oneTimePrekeys.list()).filter(e => (e.value as Issuable<OneTimePrekeyRecord>).issuedAt === undefined).length
    const oneTimeKem = (await s.oneTimeKemPrekeys.list()).filter(e => (e.value as Issuable<OneTimeKemPrekeyRecord>).issuedAt === undefined).length
    return { oneTime, oneTimeKem }
  }
}
