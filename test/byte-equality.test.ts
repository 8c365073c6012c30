// The typed-array tester of test/byte-equality.ts gives toEqual's verdicts: equal bytes of the
// same class are equal, wherever they sit in their buffers; a changed byte, a length, or another
// class (a Buffer against a Uint8Array, as vitest has it) is not; float arrays keep vitest's rules.
import { describe, expect, it } from 'vitest'

describe('toEqual on typed arrays (test/byte-equality.ts)', () => {
  it('equal bytes of the same class are equal, at any offset, alone or inside objects and arrays', () => {
    const big = Uint8Array.from({ length: 4096 }, (_, i) => i * 31)
    const shifted = new Uint8Array(4097)
    shifted.set(big, 1)
    expect(shifted.subarray(1)).toEqual(big)
    expect({ key: [big, new Uint16Array([1, 2])] }).toEqual({ key: [big.slice(), new Uint16Array([1, 2])] })
    expect(new BigUint64Array([2n ** 63n])).toEqual(new BigUint64Array([2n ** 63n]))
  })

  it('a changed byte, another length or another class is not equal', () => {
    const a = Uint8Array.from({ length: 2048 }, (_, i) => i)
    const changed = a.slice()
    changed[2047] ^= 1
    expect(changed).not.toEqual(a)
    expect(a.subarray(1)).not.toEqual(a)
    expect({ key: [changed] }).not.toEqual({ key: [a] })
    expect(Buffer.from(a)).not.toEqual(a)
    expect(new Uint16Array(a.buffer, 0, 2)).not.toEqual(a.subarray(0, 4))
    expect(new Int8Array([-1])).not.toEqual(new Uint8Array([255]))
  })

  it('float arrays keep vitest\'s rules: NaN equals NaN, and toEqual tells -0 from 0 as it does for numbers', () => {
    expect(new Float64Array([NaN])).toEqual(new Float64Array([NaN]))
    expect(new Float32Array([0])).not.toEqual(new Float32Array([-0]))
  })
})
