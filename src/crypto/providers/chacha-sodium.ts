/**
 * ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) from
 * libsodium, compiled to WebAssembly (the `libsodium` package: the raw module, no wrappers):
 * the node provider's engine for short inputs (chacha-native.ts chooses). Same constructions as
 * OpenSSL's and noble's, so the same bytes (test/crypto/fast-paths.test.ts).
 *
 * Why a second engine: each node:crypto AEAD call builds an OpenSSL cipher context
 * (createCipheriv) before a byte is encrypted. murmur's AEAD inputs are mostly short (a 40-byte
 * ratchet header, a 150-byte history record, a 2.7 KB session record in an encrypted store),
 * where that setup is most of the cost. In a tight loop OpenSSL's vectorised ChaCha20 wins from
 * about 2.5 KB (3,000 bytes: 6.8 µs against 8.3 µs in libsodium), but not in a node's process:
 * there a 3,000-byte seal took 35 µs through OpenSSL and 11-13 µs in libsodium (the store's
 * writes, measured beside each other). So inputs up to 4 KiB go to libsodium (8 KiB in a loop:
 * OpenSSL 9.4 µs, libsodium 18 µs), longer ones (file chunks) to OpenSSL.
 *
 * Why the raw module: its generic wrappers (libsodium-wrappers) allocate and free WebAssembly
 * memory for every argument and copy the result out through two more arrays (a 150-byte seal:
 * 1.7 µs against 1.2 µs here). This file keeps one arena in the module's memory (key, nonce,
 * associated data, input, output) and copies each input in and the result out once. After
 * every call the arena's key, input and output are zeroed: no key or plaintext stays in the
 * module's memory longer than the call.
 *
 * Until the module has loaded (sodium-module.ts), every input goes to OpenSSL. libsodium checks
 * the tag before it decrypts and writes no plaintext for a forgery.
 */
import { CryptoEngineError } from '../errors.js'
import { layRegions, regionsSize, sodiumArena, type AeadDecrypt, type AeadEncrypt, type Regions } from './sodium-module.js'

/** Inputs up to this many bytes go to libsodium (measured above). */
export const SODIUM_MAX_INPUT = 4096
/** Associated data up to this many bytes fits the arena (murmur's are under 200 bytes). */
export const SODIUM_MAX_AD = 1024

const TAG = 16
const KEY = 32
const NONCE = 24

/** The regions of an arena for `adLength` bytes of associated data and `length` bytes of input. */
function regionsFor (adLength: number, length: number): Record<'key' | 'nonce' | 'ad' | 'input' | 'output', number> {
  return { key: KEY, nonce: NONCE, ad: adLength, input: length + TAG, output: length + TAG }
}

type Arena = Regions<'key' | 'nonce' | 'ad' | 'input' | 'output'>

/** libsodium with its arena for short inputs, once the module has loaded. */
const engine = sodiumArena(regionsFor(SODIUM_MAX_AD, SODIUM_MAX_INPUT))

export type SodiumEngine = NonNullable<ReturnType<typeof engine>>

/**
 * libsodium, when it is loaded and a `length`-byte input (plaintext, or ciphertext without its
 * tag) with `adLength` bytes of associated data is short enough for it to be the faster engine.
 */
export function sodiumFor (length: number, adLength = 0): SodiumEngine | undefined {
  return length <= SODIUM_MAX_INPUT && adLength <= SODIUM_MAX_AD ? engine() : undefined
}

/**
 * Runs `call` with the arguments in the module's memory: in the engine's arena when they fit
 * (every call the node provider makes: sodiumFor checks), else in one allocated for this call.
 * Afterwards the key, the input and the output are zeroed, and an allocated arena is freed.
 */
function inArena<T> (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, input: Uint8Array, call: (heap: Uint8Array, a: Arena) => T): T {
  const { module } = e
  const fits = input.length <= SODIUM_MAX_INPUT && ad.length <= SODIUM_MAX_AD
  let a: Arena = e
  let base = 0
  if (!fits) {
    const regions = regionsFor(ad.length, input.length)
    base = module._malloc(regionsSize(regions))
    if (base === 0) throw new CryptoEngineError('libsodium has no memory for this input')
    a = layRegions(base, regions)
  }
  // Read after any allocation: growing the memory replaces the view.
  const heap = module.HEAPU8
  try {
    heap.set(key, a.key)
    heap.set(nonce, a.nonce)
    heap.set(ad, a.ad)
    heap.set(input, a.input)
    return call(heap, a)
  } finally {
    heap.fill(0, a.key, a.key + KEY)
    heap.fill(0, a.input, a.input + input.length)
    heap.fill(0, a.output, a.output + input.length + TAG)
    if (!fits) module._free(base)
  }
}

/** ciphertext || tag, in `output` when given (the caller checked its length), else in a new array. */
function seal (e: SodiumEngine, encrypt: AeadEncrypt, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array {
  const n = plaintext.length
  return inArena(e, key, nonce, ad, plaintext, (heap, a) => {
    if (encrypt(a.output, 0, a.input, n, 0, a.ad, ad.length, 0, 0, a.nonce, a.key) !== 0) throw new CryptoEngineError('libsodium refused to encrypt')
    if (output === undefined) return heap.slice(a.output, a.output + n + TAG)
    output.set(heap.subarray(a.output, a.output + n + TAG))
    return output
  })
}

/** The plaintext, in `output` when given (the caller checked its length), else in a new array; null for a forgery. */
function tryOpen (e: SodiumEngine, decrypt: AeadDecrypt, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array | null {
  const n = ciphertext.length
  if (n < TAG) return null
  return inArena(e, key, nonce, ad, ciphertext, (heap, a) => {
    if (decrypt(a.output, 0, 0, a.input, n, 0, a.ad, ad.length, 0, a.nonce, a.key) !== 0) return null
    if (output === undefined) return heap.slice(a.output, a.output + n - TAG)
    output.set(heap.subarray(a.output, a.output + n - TAG))
    return output
  })
}

/** ciphertext || tag, in `output` (plaintext.length + 16 bytes) when given. */
export function chachaSealSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array {
  return seal(e, e.module._crypto_aead_chacha20poly1305_ietf_encrypt, key, nonce, plaintext, ad, output)
}

/** The plaintext (in `output` when given), or null when the tag does not verify (or the input is shorter than a tag). */
export function chachaTryOpenSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array, output?: Uint8Array): Uint8Array | null {
  return tryOpen(e, e.module._crypto_aead_chacha20poly1305_ietf_decrypt, key, nonce, ciphertext, ad, output)
}

export function xchachaSealSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return seal(e, e.module._crypto_aead_xchacha20poly1305_ietf_encrypt, key, nonce, plaintext, ad)
}

export function xchachaTryOpenSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  return tryOpen(e, e.module._crypto_aead_xchacha20poly1305_ietf_decrypt, key, nonce, ciphertext, ad)
}
