// Records and messages made by the Double Ratchet before the Triple Ratchet
// (test/crypto/fixtures/legacy-session-v1.json): refused with typed errors, nothing changed,
// and a new session between the same identities runs the Triple Ratchet.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidMessageError, InvalidStateError, NoSessionError } from '../../../src/crypto/errors.js'
import {
  deserializeSessionRecord, LegacySessionRecordError, serializeSessionRecord, sessionDecrypt, type SessionMessage
} from '../../../src/crypto/session/index.js'
import { providers } from '../ratchet/helpers.js'
import { Party } from './party.js'

interface LegacyFixture { aliceIdentitySeed: string, bobIdentitySeed: string, aliceRecord: string, bobRecord: string, inFlight: { kind: 'ratchet' | 'prekey', bytes: string } }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/legacy-session-v1.json', import.meta.url), 'utf8')) as LegacyFixture
const fromHex = (value: string): Uint8Array => Uint8Array.from(Buffer.from(value, 'hex'))

describe.each(providers)('sessions from before the Triple Ratchet (%s)', (_name, provider) => {
  it('a v1 record is refused with LegacySessionRecordError (an InvalidStateError)', () => {
    for (const hex of [fixture.aliceRecord, fixture.bobRecord]) {
      const error = (() => { try { deserializeSessionRecord(fromHex(hex)); return undefined } catch (err) { return err as Error } })()
      expect(error).toBeInstanceOf(LegacySessionRecordError)
      expect(error).toBeInstanceOf(InvalidStateError)
      expect(error?.name).toBe('LegacySessionRecordError')
    }
  })

  it('after the reset the same identities talk in a Triple Ratchet session; a v1 message in flight is refused and changes nothing', () => {
    const alice = new Party(provider, fromHex(fixture.aliceIdentitySeed))
    const bob = new Party(provider, fromHex(fixture.bobIdentitySeed))
    const inFlight: SessionMessage = { kind: fixture.inFlight.kind, bytes: fromHex(fixture.inFlight.bytes) }
    // Bob dropped his legacy record: the old message finds no session.
    expect(() => sessionDecrypt(provider, undefined, inFlight, bob.owner.context)).toThrow(NoSessionError)
    alice.initiate(bob.bundle())
    expect(bob.receive(alice.send('new session')).established).toBe(true)
    expect(alice.receive(bob.send('reply')).text).toBe('reply')
    // Even in a session, the v1 bytes (version byte 0x01) are refused before any work.
    const before = bob.recordBytes()
    expect(() => sessionDecrypt(provider, bob.record, inFlight, bob.owner.context)).toThrow(InvalidMessageError)
    expect(bob.recordBytes()).toBe(before)
    const record = bob.record
    if (record == null) throw new Error('record')
    expect(serializeSessionRecord(record).subarray(0, 2)).toEqual(Uint8Array.of(0x08, 0x02))
    expect(record.current.ratchet.pq.epoch).toBe(0)
  })
})
