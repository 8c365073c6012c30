// Error details in murmur's protocol frames are capped in UTF-8 bytes (src/net/text.ts).
import { describe, expect, it } from 'vitest'
import { truncateUtf8 } from '../../src/net/text.js'

describe('truncateUtf8', () => {
  it('cuts error messages on a UTF-8 code point boundary', () => {
    expect(truncateUtf8('abc', 256)).toBe('abc')
    const cut = truncateUtf8('é'.repeat(200), 255)
    expect(new TextEncoder().encode(cut).byteLength).toBe(254)
    expect(cut).toBe('é'.repeat(127))
  })
})
