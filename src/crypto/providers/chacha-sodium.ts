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
 * associated data, input, output) and copies each input in and the result out once. After every call the arena's key, input and output are zeroed: no key or plaintext stays in
 * the module's memory longer than the call.
 *
 * The module loads asynchronously (some 30 ms, once per process); until it has, every input goes
 * to OpenSSL. Which engine ran is never visible: both give the same bytes and the same verdicts.
 * libsodium checks the tag before it decrypts and writes no plaintext for a forgery.
 */
import { randomFillSync } from 'node:crypto'
import loadLibsodium from 'libsodium'
import { logger } from '@libp2p/logger'

const log = logger('murmur:crypto:sodium')

/** Inputs up to this many bytes go to libsodium (measured above). */
export const SODIUM_MAX_INPUT = 4096
/** Associated data up to this many bytes fits the arena (murmur's are under 200 bytes). */
export const SODIUM_MAX_AD = 1024

const TAG = 16
const KEY = 32
const NONCE = 24

/**
 * The functions of libsodium's Emscripten module this file calls. 64-bit lengths are passed as
 * two 32-bit halves (Emscripten's legalised i64), the high half always 0 here.
 */
interface LibsodiumModule {
  HEAPU8: Uint8Array
  _malloc: (size: number) => number
  _free: (pointer: number) => void
  _sodium_init: () => number
  _crypto_aead_chacha20poly1305_ietf_encrypt: AeadEncrypt
  _crypto_aead_chacha20poly1305_ietf_decrypt: AeadDecrypt
  _crypto_aead_xchacha20poly1305_ietf_encrypt: AeadEncrypt
  _crypto_aead_xchacha20poly1305_ietf_decrypt: AeadDecrypt
}

/** (c, clen_p, m, mlen, mlen_high, ad, adlen, adlen_high, nsec, npub, k) -> 0 */
type AeadEncrypt = (c: number, clenP: number, m: number, mlen: number, mlenHigh: number, ad: number, adlen: number, adlenHigh: number, nsec: number, npub: number, k: number) => number
/** (m, mlen_p, nsec, c, clen, clen_high, ad, adlen, adlen_high, npub, k) -> 0, or -1 on a bad tag */
type AeadDecrypt = (m: number, mlenP: number, nsec: number, c: number, clen: number, clenHigh: number, ad: number, adlen: number, adlenHigh: number, npub: number, k: number) => number

/** Where each argument of a call is copied to in the module's memory (offsets). */
interface Arena {
  readonly key: number
  readonly nonce: number
  readonly ad: number
  readonly input: number
  readonly output: number
}

/** libsodium with its arena for short inputs. */
export interface SodiumEngine extends Arena {
  readonly module: LibsodiumModule
}

let engine: SodiumEngine | undefined

/** Lays out an arena for `adLength` bytes of associated data and `length` bytes of input at `base`. */
function arenaAt (base: number, adLength: number, length: number): Arena {
  const nonce = base + KEY
  const ad = nonce + NONCE
  const input = ad + adLength
  return { key: base, nonce, ad, input, output: input + length + TAG }
}

function arenaSize (adLength: number, length: number): number {
  return KEY + NONCE + adLength + 2 * (length + TAG)
}

async function load (): Promise<SodiumEngine> {
  // Its start-up seeds libsodium's own generator (sodium_init), which these functions never
  // draw from; the source is given, not detected: detection fails under some module loaders.
  const getRandomValue = (): number => randomFillSync(new Uint32Array(1))[0]
  const module = await loadLibsodium({ getRandomValue }) as LibsodiumModule
  if (module._sodium_init() < 0) throw new Error('sodium_init failed')
  const base = module._malloc(arenaSize(SODIUM_MAX_AD, SODIUM_MAX_INPUT))
  if (base === 0) throw new Error('no memory for the arena')
  return { module, ...arenaAt(base, SODIUM_MAX_AD, SODIUM_MAX_INPUT) }
}

/** Resolves once libsodium serves short inputs (or has failed to load: OpenSSL then serves all). */
export const sodiumReady: Promise<void> = load().then((loaded) => {
  engine = loaded
}, (err: unknown) => {
  log.error('libsodium did not load; every AEAD call runs on OpenSSL: %s', (err as Error).message)
})

/**
 * libsodium, when it is loaded and a `length`-byte input (plaintext, or ciphertext without its
 * tag) with `adLength` bytes of associated data is short enough for it to be the faster engine.
 */
export function sodiumFor (length: number, adLength = 0): SodiumEngine | undefined {
  return length <= SODIUM_MAX_INPUT && adLength <= SODIUM_MAX_AD ? engine : undefined
}

/**
 * Runs `call` with the arguments in the module's memory: in the engine's arena when they fit
 * (every call the node provider makes: sodiumFor checks), else in one allocated for this call.
 * Afterwards the key, the input and the output are zeroed, and an allocated arena is freed.
 */
function inArena<T> (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, input: Uint8Array, call: (heap: Uint8Array, a: Arena) => T): T {
  const { module } = e
  const fits = input.length <= SODIUM_MAX_INPUT && ad.length <= SODIUM_MAX_AD
  const base = fits ? 0 : module._malloc(arenaSize(ad.length, input.length))
  if (!fits && base === 0) throw new Error('libsodium has no memory for this input')
  const a = fits ? e : arenaAt(base, ad.length, input.length)
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

function seal (e: SodiumEngine, encrypt: AeadEncrypt, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const n = plaintext.length
  return inArena(e, key, nonce, ad, plaintext, (heap, a) => {
    if (encrypt(a.output, 0, a.input, n, 0, a.ad, ad.length, 0, 0, a.nonce, a.key) !== 0) throw new Error('libsodium refused to encrypt')
    return heap.slice(a.output, a.output + n + TAG)
  })
}

function tryOpen (e: SodiumEngine, decrypt: AeadDecrypt, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  const n = ciphertext.length
  if (n < TAG) return null
  return inArena(e, key, nonce, ad, ciphertext, (heap, a) => {
    if (decrypt(a.output, 0, 0, a.input, n, 0, a.ad, ad.length, 0, a.nonce, a.key) !== 0) return null
    return heap.slice(a.output, a.output + n - TAG)
  })
}

/** ciphertext || tag. */
export function chachaSealSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return seal(e, e.module._crypto_aead_chacha20poly1305_ietf_encrypt, key, nonce, plaintext, ad)
}

/** The plaintext, or null when the tag does not verify (or the input is shorter than a tag). */
export function chachaTryOpenSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  return tryOpen(e, e.module._crypto_aead_chacha20poly1305_ietf_decrypt, key, nonce, ciphertext, ad)
}

export function xchachaSealSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  return seal(e, e.module._crypto_aead_xchacha20poly1305_ietf_encrypt, key, nonce, plaintext, ad)
}

export function xchachaTryOpenSodium (e: SodiumEngine, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array | null {
  return tryOpen(e, e.module._crypto_aead_xchacha20poly1305_ietf_decrypt, key, nonce, ciphertext, ad)
}
