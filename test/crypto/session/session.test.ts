import { describe, expect, it } from 'vitest'
import { InvalidStateError, NoSessionError } from '../../../src/crypto/errors.js'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import {
  ARCHIVED_SESSIONS_MAX, deserializeSessionRecord, initiateSession, RemoteIdentityMismatchError, serializeSessionRecord,
  sessionDecrypt, sessionEncrypt
} from '../../../src/crypto/session/index.js'
import { StoredSessionRecord } from '../../../src/wire/session-record.js'
import { seed } from '../pqxdh/fixtures.js'
import { Party } from './party.js'

describe.each(PROVIDER_NAMES)('session records (%s)', (name) => {
  const provider = createProvider(name)

  it('the initiator repeats the PQXDH header until the first reply, then sends ratchet messages', () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2), { oneTime: 2, oneTimeKem: 2 })
    alice.initiate(bob.bundle())
    const a1 = alice.send('a1')
    const a2 = alice.send('a2')
    const a3 = alice.send('a3')
    expect([a1.kind, a2.kind, a3.kind]).toEqual(['prekey', 'prekey', 'prekey'])

    // a2 arrives first and establishes the session; a1 and a3 then decrypt in it.
    const r2 = bob.receive(a2)
    expect(r2).toMatchObject({ text: 'a2', established: true, reset: false, consumed: { oneTimePreKeyId: 200, oneTimeKemPreKeyId: 100 } })
    expect(bob.owner.oneTimePreKeys.has(200)).toBe(false)
    const r1 = bob.receive(a1)
    expect(r1).toMatchObject({ text: 'a1', established: false, reset: false, consumed: {} })
    expect(bob.receive(a3).text).toBe('a3')
    expect(bob.record?.archived.length).toBe(0)
    // A duplicate of a header-carrying message while the session exists: the ratchet says so.
    bob.refuse(a1, 'DuplicateMessageError')

    const b1 = bob.send('b1')
    expect(b1.kind).toBe('ratchet')
    expect(alice.record?.current.pendingPreKey).toBeDefined()
    expect(alice.receive(b1).text).toBe('b1')
    expect(alice.record?.current.pendingPreKey).toBeUndefined()
    const a4 = alice.send('a4')
    expect(a4.kind).toBe('ratchet')
    expect(bob.receive(a4).text).toBe('a4')
  })

  it('a replay under the last-resort prekey: duplicate while the session lives, BaseKeyReusedError once it is gone', () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2))
    alice.initiate(bob.bundle())
    const a1 = alice.send('a1')
    expect(bob.receive(a1).consumed.lastResortBaseKey?.kemPreKeyId).toBe(2)
    bob.refuse(a1, 'DuplicateMessageError')
    bob.forget() // session gone (lost, or archived out)
    bob.refuse(a1, 'BaseKeyReusedError')
  })

  it('wrong recipient, a foreign identity and missing records are refused without change', () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2))
    const carol = new Party(provider, seed(3))
    alice.initiate(bob.bundle())
    const a1 = alice.send('a1')
    carol.refuse(a1, 'WrongRecipientError')
    carol.refuse({ kind: 'ratchet', bytes: new Uint8Array(200) }, 'NoSessionError')
    expect(() => sessionEncrypt(provider, undefined, new Uint8Array(1))).toThrow(NoSessionError)
    // Carol talks to Bob; a prekey message from Alice must not land in Carol's record at Bob.
    carol.initiate(bob.bundle())
    bob.receive(carol.send('c1'))
    bob.refuse(a1, 'RemoteIdentityMismatchError')
    expect(() => initiateSession(provider, carol.record, carol.owner.identity, alice.bundle())).toThrow(RemoteIdentityMismatchError)
    // Garbage in either kind.
    bob.refuse({ kind: 'prekey', bytes: Uint8Array.of(1, 2, 3) }, 'InvalidMessageError')
    bob.refuse({ kind: 'ratchet', bytes: Uint8Array.of(1, 2, 3) }, 'InvalidMessageError')
    const c2 = carol.send('c2')
    const forged = c2.bytes.slice(); forged[forged.length - 1] ^= 1
    bob.refuse({ kind: c2.kind, bytes: forged }, 'DecryptionError')
    expect(bob.receive(c2).text).toBe('c2')
  })

  it('simultaneous initiation converges on one session and keeps talking', () => {
    const alice = new Party(provider, seed(1), { oneTime: 1, oneTimeKem: 1 })
    const bob = new Party(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
    alice.initiate(bob.bundle())
    bob.initiate(alice.bundle())
    const a1 = alice.send('a1')
    const b1 = bob.send('b1')
    expect(bob.receive(a1)).toMatchObject({ text: 'a1', established: true, reset: true })
    expect(alice.receive(b1)).toMatchObject({ text: 'b1', established: true, reset: true })
    // Both now hold both sessions; each answers in the one it just accepted.
    let exchanges = 0
    while (alice.currentBaseKey() !== bob.currentBaseKey() || exchanges < 2) {
      expect(bob.receive(alice.send(`ping ${exchanges}`)).text).toBe(`ping ${exchanges}`)
      expect(alice.receive(bob.send(`pong ${exchanges}`)).text).toBe(`pong ${exchanges}`)
      exchanges++
      expect(exchanges).toBeLessThan(5)
    }
    expect(alice.currentBaseKey()).toBe(bob.currentBaseKey())
    const converged = alice.currentBaseKey()
    // 20 more each way, in bursts, crossing in flight.
    for (let round = 0; round < 4; round++) {
      const fromAlice = Array.from({ length: 5 }, (_, i) => alice.send(`a-${round}-${i}`))
      const fromBob = Array.from({ length: 5 }, (_, i) => bob.send(`b-${round}-${i}`))
      fromBob.reverse().forEach((m, i) => { expect(alice.receive(m).text).toBe(`b-${round}-${4 - i}`) })
      fromAlice.forEach((m, i) => { expect(bob.receive(m).text).toBe(`a-${round}-${i}`) })
    }
    expect(alice.currentBaseKey()).toBe(converged)
    expect(bob.currentBaseKey()).toBe(converged)
    expect(alice.record?.current.pendingPreKey).toBeUndefined()
    expect(bob.record?.current.pendingPreKey).toBeUndefined()
  })

  it('a reset: one side loses its record and initiates anew; the other reports reset and both go on', () => {
    const alice = new Party(provider, seed(1), { oneTime: 1 })
    const bob = new Party(provider, seed(2), { oneTime: 1 })
    alice.initiate(bob.bundle())
    bob.receive(alice.send('hello'))
    alice.receive(bob.send('hi'))
    const inFlight = bob.send('sent before the loss')
    const old = alice.currentBaseKey()

    bob.forget() // Bob lost his record
    bob.initiate(alice.bundle())
    const r = alice.receive(bob.send('I am back'))
    expect(r).toMatchObject({ text: 'I am back', established: true, reset: true })
    expect(alice.record?.archived.length).toBe(1)
    // A message of the old session still decrypts (archived); it becomes current again
    // until the peer's next message in the new session (Signal's promotion rule).
    expect(alice.receive(inFlight).text).toBe('sent before the loss')
    expect(alice.currentBaseKey()).toBe(old)
    expect(alice.receive(bob.send('new session')).text).toBe('new session')
    expect(alice.currentBaseKey()).toBe(bob.currentBaseKey())
    for (let i = 0; i < 5; i++) {
      expect(bob.receive(alice.send(`a${i}`)).text).toBe(`a${i}`)
      expect(alice.receive(bob.send(`b${i}`)).text).toBe(`b${i}`)
    }
    expect(bob.record?.current.pendingPreKey).toBeUndefined()
  })

  it(`keeps at most ${ARCHIVED_SESSIONS_MAX} archived sessions, newest first, and an archived one decrypts`, () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2))
    const baseKeys: string[] = []
    const firsts = []
    for (let i = 0; i < ARCHIVED_SESSIONS_MAX + 2; i++) {
      alice.initiate(bob.bundle(), 1000 + i)
      baseKeys.push(alice.currentBaseKey())
      firsts.push(alice.send(`first ${i}`))
    }
    expect(alice.record?.archived.length).toBe(ARCHIVED_SESSIONS_MAX)
    expect(alice.record?.archived.map((s) => Buffer.from(s.baseKey).toString('hex'))).toEqual(baseKeys.slice(1, -1).reverse())
    // Bob answers in the session of the 3rd initiation: Alice finds it in her archive.
    bob.receive(firsts[2])
    const reply = bob.send('reply')
    expect(alice.receive(reply).text).toBe('reply')
    expect(alice.currentBaseKey()).toBe(baseKeys[2])
    expect(alice.record?.archived.length).toBe(ARCHIVED_SESSIONS_MAX)
    // The session of the 1st initiation was dropped: its reply finds nothing; current's error.
    bob.forget()
    bob.receive(firsts[0])
    alice.refuse(bob.send('too late'), 'HeaderDecryptionError')
  })

  it('serialization is lossless and refuses garbage with InvalidStateError', () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2))
    alice.initiate(bob.bundle())
    bob.receive(alice.send('x'))
    if (alice.record == null || bob.record == null) throw new Error('records')
    const bytes = serializeSessionRecord(alice.record)
    expect(deserializeSessionRecord(bytes)).toEqual(alice.record)
    const garbage: Uint8Array[] = [
      new Uint8Array(0), // no version, no current
      Uint8Array.of(0xff, 0xff, 0xff),
      bytes.subarray(0, bytes.length - 5),
      Uint8Array.of(0x08, 0x03, ...bytes.subarray(2)), // version 3
      Uint8Array.of(0x08, 0x02) // version 2, no current session
    ]
    for (const g of garbage) expect(() => deserializeSessionRecord(g)).toThrow(InvalidStateError)
    expect(bytes[0]).toBe(0x08)
    expect(bytes[1]).toBe(0x02)
    // Too many archived sessions.
    const crowded = { current: bob.record.current, archived: Array(ARCHIVED_SESSIONS_MAX + 1).fill(bob.record.current) }
    expect(() => deserializeSessionRecord(serializeSessionRecord(crowded))).toThrow(InvalidStateError)
    // A wrong field length, and a corrupted embedded ratchet state.
    const broken = { current: { ...bob.record.current, baseKey: new Uint8Array(31) }, archived: [] }
    expect(() => deserializeSessionRecord(serializeSessionRecord(broken))).toThrow(InvalidStateError)
    const wire = StoredSessionRecord.decode(serializeSessionRecord(bob.record))
    wire.current!.ratchetState = wire.current!.ratchetState.subarray(0, 40)
    expect(() => deserializeSessionRecord(StoredSessionRecord.encode(wire))).toThrow(InvalidStateError)
    wire.current!.ratchetState = new Uint8Array(0)
    expect(() => deserializeSessionRecord(StoredSessionRecord.encode(wire))).toThrow(InvalidStateError)
  })

  it('sessionDecrypt never mutates the record it is given', () => {
    const alice = new Party(provider, seed(1))
    const bob = new Party(provider, seed(2))
    alice.initiate(bob.bundle())
    const a1 = alice.send('a1')
    bob.receive(a1)
    const record = bob.record!
    const before = serializeSessionRecord(record)
    sessionDecrypt(provider, record, alice.send('a2'), bob.owner.context)
    expect(Buffer.from(serializeSessionRecord(record)).equals(Buffer.from(before))).toBe(true)
  })
})
