/**
 * A test party: an identity with its prekey store and ONE session record with one peer,
 * driving the session API the way the messenger will (consume prekeys only after success),
 * and round-tripping the record through its serialization after every step.
 */
import { expect } from 'vitest'
import type { PreKeyBundle } from '../../../src/crypto/pqxdh/index.js'
import type { CryptoProvider } from '../../../src/crypto/provider.js'
import {
  deserializeSessionRecord, initiateSession, serializeSessionRecord, sessionDecrypt, sessionEncrypt,
  type SessionDecryptResult, type SessionMessage, type SessionRecord
} from '../../../src/crypto/session/index.js'
import { makeOwner, NOW, type PreKeyOwner } from '../pqxdh/fixtures.js'

export class Party {
  readonly provider: CryptoProvider
  readonly owner: PreKeyOwner
  record: SessionRecord | undefined

  constructor (provider: CryptoProvider, identitySeed: Uint8Array, prekeys: { oneTime?: number, oneTimeKem?: number } = {}) {
    this.provider = provider
    this.owner = makeOwner(provider, identitySeed, prekeys)
  }

  /** Lose the record (a reinstall, a lost database). */
  forget (): void { this.record = undefined }

  get identityKey (): Uint8Array { return this.owner.identity.publicKey }

  bundle (options?: { oneTime?: boolean, oneTimeKem?: boolean }): PreKeyBundle { return this.owner.bundle(options) }

  /** The record's bytes (or '' without a record), for "unchanged on failure" checks. */
  recordBytes (): string {
    return this.record == null ? '' : Buffer.from(serializeSessionRecord(this.record)).toString('hex')
  }

  /** Deep-compare the restored record after each step (the property test checks bytes only, for speed). */
  deepCheck = true

  private commit (record: SessionRecord): void {
    const bytes = serializeSessionRecord(record)
    const restored = deserializeSessionRecord(bytes)
    if (this.deepCheck) expect(restored).toEqual(record)
    expect(Buffer.from(serializeSessionRecord(restored)).equals(Buffer.from(bytes))).toBe(true)
    this.record = restored
  }

  initiate (peer: PreKeyBundle, now = NOW): void {
    this.commit(initiateSession(this.provider, this.record, this.owner.identity, peer, { now }))
  }

  send (text: string): SessionMessage {
    const { record, message } = sessionEncrypt(this.provider, this.record, new TextEncoder().encode(text), { now: NOW })
    this.commit(record)
    return message
  }

  receive (message: SessionMessage): SessionDecryptResult & { text: string } {
    const result = sessionDecrypt(this.provider, this.record, message, this.owner.context, { now: NOW })
    this.commit(result.record)
    this.owner.consume(result.consumed)
    return { ...result, text: new TextDecoder().decode(result.plaintext) }
  }

  /** Expect `message` to fail with `errorName`, leaving the record and prekeys untouched. */
  refuse (message: SessionMessage, errorName: string): void {
    const before = this.recordBytes()
    const prekeys = JSON.stringify([[...this.owner.oneTimePreKeys.keys()], [...this.owner.kemPreKeys.keys()], [...this.owner.usedLastResortBaseKeys]])
    let name = ''
    try {
      sessionDecrypt(this.provider, this.record, message, this.owner.context, { now: NOW })
    } catch (err) {
      name = (err as Error).name
    }
    expect(name).toBe(errorName)
    expect(this.recordBytes()).toBe(before)
    expect(JSON.stringify([[...this.owner.oneTimePreKeys.keys()], [...this.owner.kemPreKeys.keys()], [...this.owner.usedLastResortBaseKeys]])).toBe(prekeys)
  }

  currentBaseKey (): string {
    if (this.record == null) throw new Error('no record')
    return Buffer.from(this.record.current.baseKey).toString('hex')
  }
}
