/**
 * The establish workload: sessions per second, where one session is everything between
 * fetching a bundle and reading the first message (PQXDH spec §3.3 and §3.4), through the
 * session layer:
 *
 *   initiator: initiateSession (verify the bundle: 3 Ed25519 signatures; PQXDH: 4 X25519 and
 *              an ML-KEM-768 encapsulation; initialize the ratchet), then sessionEncrypt of the
 *              first message (a PreKeyMessage);
 *   responder: sessionDecrypt with no record (decode, PQXDH: 4 X25519 and a decapsulation,
 *              initialize the ratchet, decrypt), then delete the consumed one-time prekeys.
 *
 * The responder's prekeys (one-time X25519 and one-time ML-KEM prekeys, signed) are generated
 * before timing, as they are for libsignal: a responder makes them ahead of time, in batches.
 * Each session is a new pair of records, like a new contact.
 */
import { generateIdentity } from '../../src/crypto/identity.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import { initiateSession, sessionDecrypt, sessionEncrypt } from '../../src/crypto/session/index.js'
import type { Prepare } from '../harness.js'
import { assertSamePlaintext, benchmarkPlaintext, createResponder, MESSAGE_SIZE } from './parties.js'

export function establish (provider: CryptoProvider, size: number = MESSAGE_SIZE): Prepare {
  const alice = generateIdentity(provider)
  const bob = createResponder(provider)
  const plaintext = benchmarkPlaintext(size)
  return (n) => {
    const bundles = bob.bundles(n)
    return () => {
      for (const bundle of bundles) {
        const initiated = initiateSession(provider, undefined, alice, bundle)
        const first = sessionEncrypt(provider, initiated, plaintext)
        const received = sessionDecrypt(provider, undefined, first.message, bob.context)
        assertSamePlaintext(received.plaintext, plaintext)
        bob.consume(received.consumed)
      }
    }
  }
}
