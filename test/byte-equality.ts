// Loaded by vitest before every test file (vitest.config.ts): toEqual and its kin compare two
// integer typed arrays (Uint8Array, Buffer, Uint16Array...) by their bytes at once. vitest's own
// path walks them element by element, then again as the entries of an object: on keys of 1-2 KB
// (ML-KEM) and 64 KiB plaintexts that was most of the CPU of the crypto tests' comparisons
// (a restored session record compared after every step: 3.1 of 44 CPU-s in a profile of the
// crypto files). The verdict is the same: equal when of the same class and the same bytes; a
// failure still prints vitest's diff. Float arrays keep vitest's rules (NaN, -0).
import { expect } from 'vitest'

type IntegerArray = Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | BigUint64Array | BigInt64Array

function isIntegerArray (value: unknown): value is IntegerArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof Float32Array) && !(value instanceof Float64Array)
}

function bytesEqual (a: unknown, b: unknown): boolean | undefined {
  if (!isIntegerArray(a) || !isIntegerArray(b)) return undefined
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

// Test files share their worker (isolate: false) and this runs before each: register once.
const registered = Symbol.for('murmur.test.byteEquality')
const state = globalThis as { [registered]?: true }
if (state[registered] !== true) {
  expect.addEqualityTesters([bytesEqual])
  state[registered] = true
}
