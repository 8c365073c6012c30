/**
 * X25519 (RFC 7748) for the `node` provider from libsodium's native build (the `sodium-native`
 * addon), when its prebuilt binary loads on this platform; `undefined` otherwise, and the
 * provider uses OpenSSL (node.ts).
 *
 * Why not OpenSSL alone: node:crypto takes keys only as KeyObjects, and making one from 32 raw
 * bytes is the costliest step of the ratchet's key generation (a JWK import: ~42 us here, of
 * which the public key is a small part). libsodium takes the raw bytes: a public key from a
 * private one is ~13 us (fixed-base multiplication), an agreement ~33 us (OpenSSL: ~35 us plus
 * the key-object lookups). A ping-pong exchange makes one key pair and two agreements per
 * message (Double Ratchet spec §3.5 DHRatchet), so this is most of its X25519 time.
 *
 * Both functions clamp the scalar as RFC 7748 §5 says, so they give OpenSSL's and noble's bytes
 * for every input. The caller refuses low-order points first (low-order.ts, RFC 7748 §6.1), so
 * all three providers fail alike; libsodium's own refusal of an all-zero result is the same
 * error's last line.
 */
import { createRequire } from 'node:module'
import { logger } from '@libp2p/logger'

/** The two calls used, as the addon exports them: each writes its 32-byte result into `q`. */
interface SodiumNativeScalarmult {
  crypto_scalarmult_base: (q: Uint8Array, n: Uint8Array) => void
  crypto_scalarmult: (q: Uint8Array, n: Uint8Array, p: Uint8Array) => void
}

const log = logger('murmur:crypto:sodium-native')

function load (): SodiumNativeScalarmult | undefined {
  try {
    // A native addon: loaded with require, inside try, because a platform without a prebuilt
    // binary must fall back to OpenSSL rather than fail the provider's import.
    return createRequire(import.meta.url)('sodium-native') as SodiumNativeScalarmult
  } catch (err) {
    log('sodium-native did not load, X25519 stays on OpenSSL: %s', (err as Error).message)
    return undefined
  }
}

const sodium = load()

export interface X25519Engine {
  /** X25519(privateKey, 9): the public key. */
  publicKey: (privateKey: Uint8Array) => Uint8Array
  /**
   * X25519(privateKey, publicKey), or `undefined` when libsodium refuses the result (all
   * zeros: a low-order point the caller's check did not list).
   */
  agree: (privateKey: Uint8Array, publicKey: Uint8Array) => Uint8Array | undefined
}

/** libsodium's X25519, or `undefined` where its addon does not load. */
export const x25519SodiumNative: X25519Engine | undefined = sodium === undefined
  ? undefined
  : {
      publicKey (privateKey) {
        const out = new Uint8Array(32)
        sodium.crypto_scalarmult_base(out, privateKey)
        return out
      },
      agree (privateKey, publicKey) {
        const out = new Uint8Array(32)
        try {
          sodium.crypto_scalarmult(out, privateKey, publicKey)
        } catch {
          return undefined
        }
        return out
      }
    }
