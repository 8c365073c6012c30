/** Byte helpers for PQXDH and sessions: the shared ones from src/crypto/bytes.ts, plus two local ones. */
export { concat as concatBytes, equal as bytesEqual, u32be } from '../bytes.js'

const encoder = new TextEncoder()

/** UTF-8 bytes of a label (no terminator). */
export function utf8 (text: string): Uint8Array {
  return encoder.encode(text)
}

export function isU32 (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff
}
