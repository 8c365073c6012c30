/**
 * libsodium compiled to WebAssembly (the `libsodium` package: its raw Emscripten module, no
 * wrappers), loaded once per process for the node provider's faster engines: ChaCha20-Poly1305
 * and XChaCha20-Poly1305 on short inputs (chacha-sodium.ts), ML-KEM-768 (mlkem-sodium.ts), and
 * HMAC-SHA256 and HKDF-SHA256 (hmac-sodium.ts).
 *
 * The module loads asynchronously (some 30 ms, 12 MB of memory); until it has, the node provider
 * runs OpenSSL and noble instead. Which engine ran is never visible: the same bytes and the same
 * verdicts (test/crypto/fast-paths.test.ts).
 *
 * Each engine keeps its own arena in the module's memory, where a call's arguments are copied
 * in and its result is copied out; it zeroes the arena's secrets after every call, so no key or
 * plaintext stays in the module's memory longer than the call.
 */
import { CryptoEngineError } from '../errors.js'
import { randomFillSync } from 'node:crypto'
import loadLibsodium from 'libsodium'
import { logger } from '@libp2p/logger'

const log = logger('murmur:crypto:sodium')

/**
 * The functions of libsodium's Emscripten module that murmur calls. 64-bit lengths are passed
 * as two 32-bit halves (Emscripten's legalised i64), the high half always 0 here.
 */
export interface LibsodiumModule {
  HEAPU8: Uint8Array
  _malloc: (size: number) => number
  _free: (pointer: number) => void
  _sodium_init: () => number
  _crypto_aead_chacha20poly1305_ietf_encrypt: AeadEncrypt
  _crypto_aead_chacha20poly1305_ietf_decrypt: AeadDecrypt
  _crypto_aead_xchacha20poly1305_ietf_encrypt: AeadEncrypt
  _crypto_aead_xchacha20poly1305_ietf_decrypt: AeadDecrypt
  /** (pk, sk, seed64) -> 0: FIPS 203 ML-KEM.KeyGen_internal(d, z) with seed = d || z. */
  _crypto_kem_mlkem768_seed_keypair: (pk: number, sk: number, seed: number) => number
  /** (ct, ss, pk, m32) -> 0, or -1 when pk fails the FIPS 203 §7.2 modulus check. */
  _crypto_kem_mlkem768_enc_deterministic: (ct: number, ss: number, pk: number, m: number) => number
  /** (ss, ct, sk) -> 0 (implicit rejection: a bad ciphertext gives a pseudorandom secret). */
  _crypto_kem_mlkem768_dec: (ss: number, ct: number, sk: number) => number
  /** (prk, salt, salt_len, ikm, ikm_len) -> 0: HKDF-Extract, that is HMAC-SHA256(salt, ikm). */
  _crypto_kdf_hkdf_sha256_extract: (prk: number, salt: number, saltLength: number, ikm: number, ikmLength: number) => number
  /** (out, out_len, info, info_len, prk) -> 0, or -1 beyond 255 * 32 bytes: HKDF-Expand. */
  _crypto_kdf_hkdf_sha256_expand: (out: number, outLength: number, info: number, infoLength: number, prk: number) => number
}

/** (c, clen_p, m, mlen, mlen_high, ad, adlen, adlen_high, nsec, npub, k) -> 0 */
export type AeadEncrypt = (c: number, clenP: number, m: number, mlen: number, mlenHigh: number, ad: number, adlen: number, adlenHigh: number, nsec: number, npub: number, k: number) => number
/** (m, mlen_p, nsec, c, clen, clen_high, ad, adlen, adlen_high, npub, k) -> 0, or -1 on a bad tag */
export type AeadDecrypt = (m: number, mlenP: number, nsec: number, c: number, clen: number, clenHigh: number, ad: number, adlen: number, adlenHigh: number, npub: number, k: number) => number

let loaded: LibsodiumModule | undefined
const onLoad: Array<(module: LibsodiumModule) => void> = []

async function load (): Promise<LibsodiumModule> {
  // Its start-up seeds libsodium's own generator (sodium_init), which murmur never draws from;
  // the source is given, not detected: detection fails under some module loaders.
  const getRandomValue = (): number => randomFillSync(new Uint32Array(1))[0]
  const module = await loadLibsodium({ getRandomValue }) as LibsodiumModule
  if (module._sodium_init() < 0) throw new CryptoEngineError('sodium_init failed')
  return module
}

/** Resolves once libsodium's engines serve (or it failed to load: OpenSSL and noble then serve all). */
export const sodiumReady: Promise<void> = load().then((module) => {
  loaded = module
  for (const f of onLoad.splice(0)) f(module)
}, (err: unknown) => {
  log.error('libsodium did not load; OpenSSL and noble serve every call: %s', (err as Error).message)
})

/** Calls `f` with the module once it has loaded (at once when it has). */
export function whenSodiumLoads (f: (module: LibsodiumModule) => void): void {
  if (loaded !== undefined) f(loaded)
  else onLoad.push(f)
}

/** Where each region of an arena starts in the module's memory, by name. */
export type Regions<K extends string> = { readonly [R in K]: number }

/** An engine's arena: the module, and where each of its regions starts. */
export type SodiumArena<K extends string> = { readonly module: LibsodiumModule } & Regions<K>

/** The bytes `regions` (sizes by name) take together. */
export function regionsSize<K extends string> (regions: Record<K, number>): number {
  return (Object.values(regions) as number[]).reduce((total, size) => total + size, 0)
}

/** Lays `regions` (sizes by name) out one after another from `base`, in the order given. */
export function layRegions<K extends string> (base: number, regions: Record<K, number>): Regions<K> {
  const offsets = {} as Record<K, number>
  let at = base
  for (const [name, size] of Object.entries(regions) as Array<[K, number]>) {
    offsets[name] = at
    at += size
  }
  return offsets
}

/**
 * An engine's arena of `regions`, allocated and zeroed once the module has loaded (malloc leaves
 * what was there before; the engines' wipes keep it zeroed from then on). The function returned
 * gives it, or undefined before the load (or when the module had no memory for it).
 */
export function sodiumArena<K extends string> (regions: Record<K, number>): () => SodiumArena<K> | undefined {
  let arena: SodiumArena<K> | undefined
  whenSodiumLoads((module) => {
    const size = regionsSize(regions)
    const base = module._malloc(size)
    if (base === 0) return
    module.HEAPU8.fill(0, base, base + size)
    arena = { module, ...layRegions(base, regions) }
  })
  return () => arena
}
