/**
 * Small byte helpers shared by the crypto core. Pure functions over Uint8Array; none of them
 * keeps or logs its input.
 */

/** The concatenation of `parts`, in a new array. */
export function concat (...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * True when `a` and `b` hold the same bytes. The time taken depends on the lengths only, not
 * on where the arrays differ, so comparing a secret (a MAC, a key) leaks nothing through timing.
 */
export function equal (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** `value` as 4 big-endian bytes; throws RangeError outside 0..2^32-1. */
export function u32be (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError('u32be: value out of range')
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value, false)
  return out
}

/** `value` as 2 big-endian bytes; throws RangeError outside 0..65535. */
export function u16be (value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError('u16be: value out of range')
  return Uint8Array.of(value >>> 8, value & 0xff)
}

const HEX_DIGITS = '0123456789abcdef'

/** Lowercase hex of `bytes`. */
export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i] >>> 4] + HEX_DIGITS[bytes[i] & 0x0f]
  return out
}

/** The bytes of a hex string (either case); throws TypeError on odd length or a non-hex character. */
export function fromHex (hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new TypeError('fromHex: odd length')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i))
    const lo = hexValue(hex.charCodeAt(2 * i + 1))
    out[i] = (hi << 4) | lo
  }
  return out
}

function hexValue (code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  if (code >= 97 && code <= 102) return code - 87 // a-f
  if (code >= 65 && code <= 70) return code - 55 // A-F
  throw new TypeError('fromHex: not a hex character')
}
