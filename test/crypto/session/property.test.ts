/**
 * Property: from PQXDH on, under any interleaving of sends, deliveries in any order, drops
 * and duplicate deliveries in both directions, every delivered message decrypts exactly once
 * with its own plaintext, and a second delivery fails without changing the record.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import type { SessionMessage } from '../../../src/crypto/session/index.js'
import { seed } from '../pqxdh/fixtures.js'
import { Party } from './party.js'

interface InFlight { to: Party, message: SessionMessage, text: string }

const RUNS = 45
const action = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat({ max: 10_000 }))

describe.each(PROVIDER_NAMES)('session property (%s)', (name) => {
  const provider = createProvider(name)

  it(`every delivered message decrypts exactly once (${RUNS} runs, >= 2000 steps)`, () => {
    let steps = 0
    let decrypted = 0
    let refused = 0
    fc.assert(fc.property(fc.array(action, { minLength: 40, maxLength: 60 }), fc.boolean(), (actions, oneTime) => {
      const alice = new Party(provider, seed(1))
      const bob = new Party(provider, seed(2), { oneTime: 1, oneTimeKem: 1 })
      alice.deepCheck = false
      bob.deepCheck = false
      alice.initiate(bob.bundle({ oneTime: oneTime, oneTimeKem: oneTime }))
      const inFlight: InFlight[] = []
      const delivered: InFlight[] = []
      let counter = 0
      const deliver = (m: InFlight): void => {
        expect(m.to.receive(m.message).text).toBe(m.text)
        delivered.push(m)
        decrypted++
      }
      for (const [op, pick] of actions) {
        steps++
        if (op <= 2) {
          const text = `alice ${counter++}`
          inFlight.push({ to: bob, message: alice.send(text), text })
        } else if (op <= 4) {
          if (bob.record == null) continue // Bob has no session until a message arrives
          const text = `bob ${counter++}`
          inFlight.push({ to: alice, message: bob.send(text), text })
        } else if (op <= 7) {
          if (inFlight.length > 0) deliver(inFlight.splice(pick % inFlight.length, 1)[0])
        } else if (op === 8) {
          if (inFlight.length > 0) inFlight.splice(pick % inFlight.length, 1)
        } else if (delivered.length > 0) {
          const again = delivered[pick % delivered.length]
          let failed = false
          const before = again.to.recordBytes()
          try {
            again.to.receive(again.message)
          } catch (err) {
            failed = true
            expect(['DuplicateMessageError', 'HeaderDecryptionError']).toContain((err as Error).name)
          }
          expect(failed).toBe(true)
          expect(again.to.recordBytes()).toBe(before)
          refused++
        }
      }
      // Whatever is still in flight arrives last, newest first.
      for (const m of inFlight.reverse()) deliver(m)
    }), { numRuns: RUNS, seed: name === 'node' ? 1 : 2 })
    expect(steps).toBeGreaterThanOrEqual(2000)
    expect(decrypted).toBeGreaterThan(500)
    expect(refused).toBeGreaterThan(50)
  })
})
