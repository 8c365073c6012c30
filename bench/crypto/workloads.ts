/**
 * murmur's side of the crypto benchmark: the three workloads of docs/benchmarks.md, run on the
 * session layer (PQXDH + Double Ratchet, the API the messenger uses) with one provider.
 * libsignal's peer (bench/peers/libsignal/run.mjs) runs the same three through its own session
 * API, so the rates compare like for like.
 *
 * - burst: one message = sessionEncrypt by Alice + sessionDecrypt by Bob, always Alice to Bob,
 *   so no message turns the DH ratchet (Double Ratchet spec §2.2, symmetric-key ratchet only).
 * - ping-pong: the same with alternating directions, so every message turns the DH ratchet
 *   (spec §2.3 and §4 DHRatchetHE).
 * - establish: see establish.ts.
 *
 * Messages travel as the bytes sessionEncrypt returns, and every plaintext is checked.
 */
import type { CryptoProvider } from '../../src/crypto/provider.js'
import type { Prepare } from '../harness.js'
import { benchmarkPlaintext, sendOne, sessionPair } from './parties.js'

export { establish } from './establish.js'
export { MESSAGE_SIZE } from './parties.js'

export function burst (provider: CryptoProvider): Prepare {
  const { alice, bob } = sessionPair(provider)
  const plaintext = benchmarkPlaintext()
  return (n) => () => {
    for (let i = 0; i < n; i++) sendOne(provider, alice, bob, plaintext)
  }
}

export function pingPong (provider: CryptoProvider): Prepare {
  const { alice, bob } = sessionPair(provider)
  const plaintext = benchmarkPlaintext()
  let aliceSends = true
  return (n) => () => {
    for (let i = 0; i < n; i++) {
      if (aliceSends) sendOne(provider, alice, bob, plaintext)
      else sendOne(provider, bob, alice, plaintext)
      aliceSends = !aliceSends
    }
  }
}
