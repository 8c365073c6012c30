// decodeContent reads a content that is one text in one pass (src/messenger/content.ts,
// decodeSingleText) and leaves everything else to the generated decoder: the two must agree on
// every text, and the one-pass reader must hand over, not misread, what it does not take.
import { describe, expect, it } from 'vitest'
import { decodeContent, encodeText, InvalidContentError, type DecodedContent } from '../../src/messenger/content.js'
import { Content, Receipt, Text } from '../../src/wire/content.js'
import { encodeVarint } from '../../fuzz/protobuf.js'
import { seeded } from '../seeded.js'

const { next, bytes } = seeded(0x2545f491)
// ASCII, accents, CJK, emoji (4 bytes in UTF-8, a surrogate pair in JS), and the BMP's last code point.
const alphabet = ['a', 'Z', ' ', '7', 'é', 'ß', '中', '文', '😀', '🔐', '\uffff', '\n']
const body = (): string => Array.from({ length: next(300) }, () => alphabet[next(alphabet.length)]).join('')
// A time in ms as senders write them. Not any uint64: protons-runtime's generated encoder, which
// builds these test inputs, writes every value from 2^31 to 2^32 - 1 wrong (7.1.2 and 8.0.1).
const sentAt = (): bigint => 1_700_000_000_000n + BigInt(next(2 ** 30)) * 1000n

/** No lone surrogate (String.prototype.isWellFormed is ES2024, past this project's lib). */
const isWellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s

/** What the generated decoder alone makes of `input`, through decodeContent's checks. */
function generated (input: Uint8Array): DecodedContent | Error {
  try {
    const c = Content.decode(input)
    // Wrapped so that decodeContent's fast path cannot take it: a one-field Content{text} re-encoded
    // with an unknown field after it (the generated decoder skips it).
    return decodeContent(Uint8Array.from([...Content.encode(c), (15 << 3) | 0, 0]))
  } catch (err) {
    return err as Error
  }
}

describe('decodeContent: a text in one pass', () => {
  it('reads every text as the generated decoder does, repeated fields and multi-byte UTF-8 included', () => {
    for (let i = 0; i < 500; i++) {
      // Starts below 50, numbers from 50: a start is never above its number (decodeContent refuses that).
      const inner = Text.encode({ messageId: bytes(16), body: body(), sentAt: sentAt(), seq: BigInt(50 + next(1000)), resend: next(2) === 0, seqStart: next(2) === 0 ? BigInt(next(50)) : 0n })
      // Sometimes a field again inside the text (the last one counts, as protobuf says).
      const again = next(3)
      const text = again === 0 ? Uint8Array.from([...inner, (4 << 3) | 0, 50 + next(78)]) : again === 1 ? Uint8Array.from([...inner, (6 << 3) | 0, next(50)]) : inner
      const input = Uint8Array.from([0x0a, ...encodeVarint(BigInt(text.length)), ...text])
      try { decodeContent(input) } catch (e) { console.log('FAILED', i, Buffer.from(input).toString('hex')); try { Content.decode(input) } catch (e2) { console.log('gen', e2) } throw e }
      expect(decodeContent(input), `input ${i}`).toEqual(generated(input))
    }
  })

  it('leaves receipts, capabilities, and a text with anything beside it to the generated decoder', () => {
    const id = bytes(16)
    expect(decodeContent(Content.encode({ receipt: { kind: Receipt.Kind.READ, messageIds: [id] } }))).toEqual({ type: 'receipt', kind: 'read', messageIds: [id] })
    const secret = bytes(32)
    expect(decodeContent(Content.encode({ capability: { secret } }))).toEqual({ type: 'capability', secret })
    const inner = Text.encode({ messageId: id, body: 'hi', sentAt: 1n, seq: 2n, resend: false, seqStart: 0n })
    // An unknown field after the text, or inside it: skipped by the generated decoder.
    expect(decodeContent(Uint8Array.from([0x0a, inner.length, ...inner, (9 << 3) | 0, 5]))).toMatchObject({ type: 'text', body: 'hi', seq: 2 })
    expect(decodeContent(Uint8Array.from([0x0a, inner.length + 2, ...inner, (9 << 3) | 0, 5]))).toMatchObject({ type: 'text', body: 'hi', seq: 2 })
  })

  it('refuses damaged bytes with InvalidContentError, and whenever it reads them, reads what the generated decoder reads', () => {
    for (let i = 0; i < 2000; i++) {
      const input = Content.encode({ text: { messageId: bytes(16), body: body(), sentAt: sentAt(), seq: BigInt(next(1000)), resend: false, seqStart: 0n } })
      const damaged = next(2) === 0 ? input.subarray(0, next(input.length)) : input.map((b, j) => j === next(input.length) ? next(256) : b)
      let ours: DecodedContent | Error
      try { ours = decodeContent(damaged) } catch (err) { ours = err as Error }
      if (ours instanceof Error) {
        expect(ours, `input ${i}`).toBeInstanceOf(InvalidContentError)
        continue
      }
      const theirs = generated(damaged)
      if (theirs instanceof Error) continue
      // Bytes that are not UTF-8 read as U+FFFD (never in the alphabet), where the generated reader
      // reads them as something else: compared where the body was UTF-8.
      if (ours.type === 'text' && ours.body.includes('\ufffd')) continue
      expect(ours, `input ${i}`).toEqual(theirs)
    }
  })

  it('reads bytes that are not UTF-8 as U+FFFD, never as lone surrogates, on either path', () => {
    const input = Content.encode({ text: { messageId: bytes(16), body: 'x', sentAt: 1n, seq: 1n, resend: false, seqStart: 0n } })
    // body 'x' -> 0xff: not UTF-8 anywhere.
    const at = input.indexOf(0x78)
    const decoded = decodeContent(input.map((b, j) => j === at ? 0xff : b))
    expect(decoded).toMatchObject({ type: 'text', body: '\ufffd' })
    // The same text with an unknown field after it: read by the generated decoder, whose reader
    // makes a lone surrogate of 0xed 0xb0 0x80 (an encoded surrogate, not UTF-8).
    const surrogate = Content.encode({ text: { messageId: bytes(16), body: 'abc', sentAt: 1n, seq: 1n, resend: false, seqStart: 0n } })
    const a = surrogate.indexOf(0x61)
    const odd = Uint8Array.from([...surrogate.map((b, j) => j === a ? 0xed : j === a + 1 ? 0xb0 : j === a + 2 ? 0x80 : b), (9 << 3) | 0, 1])
    expect(isWellFormed(Content.decode(odd).text?.body ?? '')).toBe(false)
    const read = decodeContent(odd)
    expect(read.type === 'text' && isWellFormed(read.body)).toBe(true)
  })

  it('writes the texts of docs/protocol.md\'s examples ("Content") byte for byte, and reads them back', () => {
    const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').match(/../g)?.join(' ') ?? ''
    const text = { messageId: new Uint8Array(16), body: 'hi', sentAt: 1_700_000_000_000, resend: false }
    const id = '00 '.repeat(16).trim()
    const first = encodeText({ ...text, seq: 1, seqStart: 0 })
    expect(hexOf(first)).toBe(`0a 1f 0a 10 ${id} 12 02 68 69 18 80 d0 95 ff bc 31 20 01`)
    const restored = encodeText({ ...text, seq: 1_800_000_000_002, seqStart: 1_800_000_000_000 })
    expect(hexOf(restored)).toBe(`0a 2b 0a 10 ${id} 12 02 68 69 18 80 d0 95 ff bc 31 20 82 a0 f1 c2 b1 34 30 80 a0 f1 c2 b1 34`)
    expect(decodeContent(restored)).toEqual({ type: 'text', ...text, seq: 1_800_000_000_002, seqStart: 1_800_000_000_000 })
  })

  it('refuses a numbering\'s start above the text\'s number, and numbers past 2^53 - 1, on either path', () => {
    const text = (seq: bigint, seqStart: bigint): Uint8Array => Content.encode({ text: { messageId: bytes(16), body: 'x', sentAt: 1n, seq, resend: false, seqStart } })
    // An unknown field after the text hands it to the generated decoder.
    const both = (input: Uint8Array): Uint8Array[] => [input, Uint8Array.from([...input, (9 << 3) | 0, 1])]
    for (const input of both(text(7n, 7n))) expect(decodeContent(input)).toMatchObject({ type: 'text', seq: 7, seqStart: 7 })
    for (const input of [...both(text(7n, 8n)), ...both(text(2n ** 53n, 0n)), ...both(text(2n ** 60n, 2n ** 59n))]) {
      expect(() => decodeContent(input)).toThrow(InvalidContentError)
    }
  })
})
