/**
 * Arithmetic in GF(2^16) with the primitive polynomial x^16 + x^12 + x^3 + x + 1 (0x1100B),
 * for the chunk code (docs/protocol.md part 3b, "Chunk code"). Elements are 16-bit integers
 * whose bits are the polynomial's coefficients; addition is XOR. Multiplication goes through
 * log/exp tables over the generator x (2), whose order is 65535 (checked when the tables are
 * built, so a wrong polynomial cannot pass unnoticed).
 */
const POLYNOMIAL = 0x1100b
const ORDER = 0xffff

/** EXP[i] = x^i for i in 0..2*ORDER-1 (doubled so a sum of two logs needs no reduction). */
const EXP = new Uint16Array(2 * ORDER)
/** LOG[a] = i with x^i = a, for a != 0. */
const LOG = new Uint16Array(ORDER + 1)

let element = 1
for (let i = 0; i < ORDER; i++) {
  if (i > 0 && element === 1) throw new Error('GF(2^16): x is not a generator of the multiplicative group')
  EXP[i] = element
  EXP[i + ORDER] = element
  LOG[element] = i
  element <<= 1
  if ((element & 0x10000) !== 0) element ^= POLYNOMIAL
}

export function gfMul (a: number, b: number): number {
  if (a === 0 || b === 0) return 0
  return EXP[LOG[a] + LOG[b]]
}

/** a / b; b must not be 0. */
export function gfDiv (a: number, b: number): number {
  if (b === 0) throw new RangeError('GF(2^16): division by zero')
  if (a === 0) return 0
  return EXP[LOG[a] + ORDER - LOG[b]]
}

/** The discrete logarithm of a non-zero element, for loops that multiply by one value often. */
export function gfLog (a: number): number {
  return LOG[a]
}

/** x^i for 0 <= i < 2 * 65535. */
export function gfExp (i: number): number {
  return EXP[i]
}
