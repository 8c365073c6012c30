/**
 * The chunk code (docs/protocol.md part 3b, "Chunk code"): a systematic Reed-Solomon erasure
 * code over GF(2^16), so that ANY k distinct chunks of an object of k chunks rebuild it, in
 * whatever order they arrive and whichever were lost (the ML-KEM Braid's erasure coding has
 * the same aim; this is our own construction).
 *
 * An object of k * 32 bytes is 16 columns of k symbols (symbol j of chunk m is the big-endian
 * u16 at bytes 2j, 2j+1 of data chunk m). Column j defines the polynomial P_j of degree < k
 * with P_j(m) = symbol j of data chunk m for m = 0..k-1 (the index m read as a field element).
 * Chunk i is (P_0(i), ..., P_15(i)): chunks 0..k-1 are the data itself, chunks from k on are
 * parity, and any k of them determine every P_j (Lagrange interpolation).
 */
import { CHUNK_LENGTH, MAX_CHUNK_INDEX } from './constants.js'
import { gfDiv, gfExp, gfLog, gfMul } from './gf16.js'

const SYMBOLS = CHUNK_LENGTH / 2

export interface Chunk {
  readonly index: number
  readonly data: Uint8Array
}

/** Per k: D_m = prod_{l != m, l < k} (m + l), the fixed denominators of the systematic points. */
const denominators = new Map<number, Uint16Array>()

function denominatorsFor (k: number): Uint16Array {
  let d = denominators.get(k)
  if (d === undefined) {
    d = new Uint16Array(k)
    for (let m = 0; m < k; m++) {
      let product = 1
      for (let l = 0; l < k; l++) if (l !== m) product = gfMul(product, m ^ l)
      d[m] = product
    }
    denominators.set(k, d)
  }
  return d
}

function symbolsOf (data: Uint8Array, chunk: number): Uint16Array {
  const out = new Uint16Array(SYMBOLS)
  const base = chunk * CHUNK_LENGTH
  for (let j = 0; j < SYMBOLS; j++) out[j] = (data[base + 2 * j] << 8) | data[base + 2 * j + 1]
  return out
}

/** 16 symbols written as a 32-byte chunk, each big-endian. */
function symbolsToChunk (symbols: Uint16Array): Uint8Array {
  const out = new Uint8Array(CHUNK_LENGTH)
  for (let j = 0; j < SYMBOLS; j++) {
    out[2 * j] = symbols[j] >>> 8
    out[2 * j + 1] = symbols[j] & 0xff
  }
  return out
}

/** sum_m weights[m] * rows[m], written as a 32-byte chunk. */
function combine (weights: ArrayLike<number>, rows: readonly Uint16Array[]): Uint8Array {
  const acc = new Uint16Array(SYMBOLS)
  for (let m = 0; m < rows.length; m++) {
    const w = weights[m]
    if (w === 0) continue
    const logW = gfLog(w)
    const row = rows[m]
    for (let j = 0; j < SYMBOLS; j++) {
      const s = row[j]
      if (s !== 0) acc[j] ^= gfExp(logW + gfLog(s))
    }
  }
  return symbolsToChunk(acc)
}

/** Chunk `index` (0..65535) of `data`, whose length is a multiple of 32. */
export function encodeChunk (data: Uint8Array, index: number): Uint8Array {
  if (data.length === 0 || data.length % CHUNK_LENGTH !== 0) throw new RangeError('chunked data must be a non-empty multiple of 32 bytes')
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX) throw new RangeError('chunk index must be a u16')
  const k = data.length / CHUNK_LENGTH
  if (index < k) return data.slice(index * CHUNK_LENGTH, (index + 1) * CHUNK_LENGTH)
  // Lagrange basis at x = index over the points 0..k-1:
  // w_m = prod_{l != m} (x + l) / (m + l) = N / ((x + m) * D_m), with N = prod_l (x + l).
  // Computed straight from the data bytes: this runs on every message of a sender past its
  // first k chunks, so it allocates nothing but the result.
  const d = denominatorsFor(k)
  let numerator = 1
  for (let l = 0; l < k; l++) numerator = gfMul(numerator, index ^ l)
  const acc = new Uint16Array(SYMBOLS)
  for (let m = 0; m < k; m++) {
    const logW = gfLog(gfDiv(numerator, gfMul(index ^ m, d[m])))
    const base = m * CHUNK_LENGTH
    for (let j = 0; j < SYMBOLS; j++) {
      const s = (data[base + 2 * j] << 8) | data[base + 2 * j + 1]
      if (s !== 0) acc[j] ^= gfExp(logW + gfLog(s))
    }
  }
  return symbolsToChunk(acc)
}

/**
 * The object of k chunks from exactly k chunks with distinct indices (the caller keeps the
 * first k distinct ones it receives). Missing data chunks are interpolated from all k.
 */
export function decodeChunks (chunks: readonly Chunk[], k: number): Uint8Array {
  if (chunks.length !== k) throw new RangeError(`decoding needs exactly ${k} chunks`)
  const out = new Uint8Array(k * CHUNK_LENGTH)
  const have = new Set<number>()
  for (const chunk of chunks) {
    if (chunk.data.length !== CHUNK_LENGTH) throw new RangeError('a chunk is 32 bytes')
    if (have.has(chunk.index)) throw new RangeError('chunk indices must be distinct')
    have.add(chunk.index)
    if (chunk.index < k) out.set(chunk.data, chunk.index * CHUNK_LENGTH)
  }
  if (chunks.every((chunk) => chunk.index < k)) return out
  const xs = chunks.map((chunk) => chunk.index)
  const rows = chunks.map((chunk) => symbolsOf(chunk.data, 0))
  // Denominators of the received points: E_i = prod_{l != i} (x_i + x_l).
  const e = xs.map((xi, i) => {
    let product = 1
    for (let l = 0; l < k; l++) if (l !== i) product = gfMul(product, xi ^ xs[l])
    return product
  })
  const weights = new Uint16Array(k)
  for (let m = 0; m < k; m++) {
    if (have.has(m)) continue
    // m is not among the x_i, so every factor (m + x_l) is non-zero.
    let numerator = 1
    for (let l = 0; l < k; l++) numerator = gfMul(numerator, m ^ xs[l])
    for (let i = 0; i < k; i++) weights[i] = gfDiv(numerator, gfMul(m ^ xs[i], e[i]))
    out.set(combine(weights, rows), m * CHUNK_LENGTH)
  }
  return out
}
