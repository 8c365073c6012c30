// Shared helpers for the ratchet tests: providers, a fresh session pair, failure checks.
import { expect } from 'vitest'
import { createProvider, PROVIDER_NAMES } from '../../../src/crypto/providers/index.js'
import type { CryptoProvider, ProviderName } from '../../../src/crypto/provider.js'
import {
  deserializeRatchetState, initializeInitiator, initializeResponder, serializeRatchetState,
  type RatchetState
} from '../../../src/crypto/ratchet/index.js'

export const providers: ReadonlyArray<[ProviderName, CryptoProvider]> =
  PROVIDER_NAMES.map((name) => [name, createProvider(name)])

/** The fast provider, for the biggest loops (noble X25519 is ~30x slower). */
export const fastProvider: CryptoProvider = createProvider('node')

export const utf8 = new TextEncoder()
export const text = (value: string): Uint8Array => utf8.encode(value)

export interface SessionPair {
  alice: RatchetState
  bob: RatchetState
  ad: Uint8Array
}

/** Alice (initiator) and Bob (responder) as PQXDH would leave them: shared SK, hka, nhkb, AD. */
export function makePair (provider: CryptoProvider, ad: Uint8Array = provider.randomBytes(64)): SessionPair {
  const rootKey = provider.randomBytes(32)
  const sharedHka = provider.randomBytes(32)
  const sharedNhkb = provider.randomBytes(32)
  const bobRatchet = provider.x25519GenerateKeyPair()
  const alice = initializeInitiator(provider, {
    rootKey, sendingHeaderKey: sharedHka, receivingNextHeaderKey: sharedNhkb, remoteRatchetKey: bobRatchet.publicKey, ad
  })
  const bob = initializeResponder(provider, {
    rootKey, sendingNextHeaderKey: sharedNhkb, receivingNextHeaderKey: sharedHka, ratchetKeyPair: bobRatchet, ad
  })
  return { alice, bob, ad }
}

/**
 * Run `fn`, require it to throw an error named `name` (and, if given, with `reason`), and
 * require the serialized state to be byte-identical before and after.
 */
export function expectFailure (state: RatchetState, fn: () => unknown, name: string, reason?: string): Error {
  const before = serializeRatchetState(state)
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${name}`).toBeInstanceOf(Error)
  const error = caught as Error & { reason?: string }
  expect(error.name).toBe(name)
  if (reason !== undefined) expect(error.reason).toBe(reason)
  expect(sameBytes(serializeRatchetState(state), before), 'state bytes unchanged').toBe(true)
  return error
}

/** serialize -> deserialize must give a deep-equal state, and re-serialize to the same bytes. */
export function expectSerializable (state: RatchetState): void {
  const bytes = serializeRatchetState(state)
  const back = deserializeRatchetState(bytes)
  expect(back).toEqual(state)
  expect(sameBytes(serializeRatchetState(back), bytes), 'same bytes after a round trip').toBe(true)
}

/** Byte equality via Buffer (vitest's deep equality walks large arrays element by element). */
export function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/** A deterministic shuffle (Fisher-Yates over a simple LCG), so failures reproduce. */
export function shuffled<T> (items: readonly T[], seed: number): T[] {
  const out = items.slice()
  let x = seed >>> 0
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    const j = x % (i + 1)
    const tmp = out[i]
    out[i] = out[j]
    out[j] = tmp
  }
  return out
}
