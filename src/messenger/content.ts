/**
 * The plaintext inside every ratchet message is one Content (src/wire/content.proto): a text
 * or a receipt. Decoding is strict: anything else is refused with a typed error.
 */
import { reader } from 'protons-runtime'
import { MurmurError } from '../errors/murmur-error.js'
import { Content, Receipt, type Text } from '../wire/content.js'
import { FlatMessageWriter } from '../wire/flat-writer.js'
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../wire/wire-types.js'
import { MAX_TEXT_BYTES } from './constants.js'

export class InvalidContentError extends MurmurError {
  constructor (message = 'invalid message content') {
    super(message)
  }
}

export interface TextContent {
  type: 'text'
  messageId: Uint8Array
  body: string
  sentAt: number
  /** The sender's number for this text among its texts to us (from 1; 0 when unknown). */
  seq: number
  resend: boolean
  /**
   * Where the sender's numbering that `seq` belongs to starts: 0 for its first one, else the
   * start a restore from a backup gave it (src/messenger/text-numbers.ts). At most `seq`.
   */
  seqStart: number
}

export interface ReceiptContent {
  type: 'receipt'
  kind: 'delivered' | 'read'
  messageIds: Uint8Array[]
}

export interface CapabilityContent {
  type: 'capability'
  secret: Uint8Array
}

export type DecodedContent = TextContent | ReceiptContent | CapabilityContent

export const CAPABILITY_LENGTH = 32

export function encodeCapability (secret: Uint8Array): Uint8Array {
  return Content.encode({ capability: { secret: secret as Uint8Array<ArrayBuffer> } })
}

export const MESSAGE_ID_LENGTH = 16

/** Content{text: Text}, written directly (src/wire/flat-writer.ts): one for every text sent. */
const textWriter = new FlatMessageWriter([
  { number: 1, name: 'messageId', kind: 'bytes', optional: false },
  { number: 2, name: 'body', kind: 'string', optional: false },
  { number: 3, name: 'sentAt', kind: 'u53', optional: false },
  { number: 4, name: 'seq', kind: 'u53', optional: false },
  { number: 5, name: 'resend', kind: 'bool', optional: false },
  { number: 6, name: 'seqStart', kind: 'u53', optional: false }
], (message) => new InvalidContentError(message))
/** Content's field number of `text` (content.proto). */
const CONTENT_TEXT = 1

const isU53 = (n: number): boolean => Number.isSafeInteger(n) && n >= 0
const MAX_U53 = BigInt(Number.MAX_SAFE_INTEGER)

export function encodeText (text: Omit<TextContent, 'type'>): Uint8Array {
  if (isU53(text.sentAt) && isU53(text.seq) && isU53(text.seqStart)) return textWriter.encode(text as unknown as Record<string, unknown>, CONTENT_TEXT)
  // Anything else is refused by the generated encoder, as it always was.
  return Content.encode({
    text: { messageId: text.messageId as Uint8Array<ArrayBuffer>, body: text.body, sentAt: BigInt(text.sentAt), seq: BigInt(text.seq), resend: text.resend, seqStart: BigInt(text.seqStart) }
  })
}

export function encodeReceipt (kind: 'delivered' | 'read', messageIds: Uint8Array[]): Uint8Array {
  return Content.encode({
    receipt: { kind: kind === 'delivered' ? Receipt.Kind.DELIVERED : Receipt.Kind.READ, messageIds: messageIds as Array<Uint8Array<ArrayBuffer>> }
  })
}

/** Content{text} as the sender writes it: field 1, length-delimited (0x0a), the whole content. */
const TEXT_TAG = (1 << 3) | WIRE_LENGTH_DELIMITED
/**
 * Not fatal: a peer's bytes that are not UTF-8 read as U+FFFD, where the generated decoder's
 * own reader turned them into lone surrogates. Valid UTF-8 reads the same with either.
 */
const utf8 = new TextDecoder()

/**
 * The Text of a content that is one text and nothing else, read in one pass with Node's UTF-8
 * decoder; undefined for anything else (another kind, unknown or misplaced fields, bytes that do
 * not decode), which the generated decoder then reads or refuses. Issue 9: the generated
 * decoder's byte-by-byte UTF-8 reader and the empty arrays it makes before reading were most of
 * a text's decode, some 3% of a receiver's CPU.
 */
function decodeSingleText (bytes: Uint8Array): Text | undefined {
  if (bytes[0] !== TEXT_TAG) return undefined
  try {
    const r = reader(bytes)
    r.pos = 1
    const length = r.uint32()
    if (r.pos + length !== r.len) return undefined
    const text: Text = { messageId: new Uint8Array(0), body: '', sentAt: 0n, seq: 0n, resend: false, seqStart: 0n }
    while (r.pos < r.len) {
      const tag = r.uint32()
      const field = tag >>> 3
      const wireType = tag & 7
      if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) text.messageId = r.bytes() as Uint8Array<ArrayBuffer>
      else if (field === 2 && wireType === WIRE_LENGTH_DELIMITED) text.body = utf8.decode(r.bytes())
      else if (field === 3 && wireType === WIRE_VARINT) text.sentAt = r.uint64()
      else if (field === 4 && wireType === WIRE_VARINT) text.seq = r.uint64()
      else if (field === 5 && wireType === WIRE_VARINT) text.resend = r.bool()
      else if (field === 6 && wireType === WIRE_VARINT) text.seqStart = r.uint64()
      else return undefined
    }
    return text
  } catch {
    return undefined
  }
}

/**
 * `body` with every lone surrogate as U+FFFD. The generated decoder's own UTF-8 reader turns bytes
 * that are not UTF-8 into lone surrogates (the one-pass reader never does); a text is shown,
 * stored and sent on as UTF-8, so it gets what any UTF-8 encoder would make of it, here once.
 */
function wellFormed (body: string): string {
  return Buffer.from(body, 'utf8').toString('utf8')
}

/** The generated decoder's reading of `bytes`, its text's body made well-formed. */
function decodeGenerated (bytes: Uint8Array): Content {
  const content = Content.decode(bytes)
  if (content.text != null) content.text.body = wellFormed(content.text.body)
  return content
}

export function decodeContent (bytes: Uint8Array): DecodedContent {
  let content: Content
  try {
    const text = decodeSingleText(bytes)
    content = text !== undefined ? { text } : decodeGenerated(bytes)
  } catch {
    throw new InvalidContentError('message content does not decode')
  }
  if (content.text != null) {
    const t = content.text
    if (t.messageId.length !== MESSAGE_ID_LENGTH) throw new InvalidContentError('message id must be 16 bytes')
    if (Buffer.byteLength(t.body, 'utf8') > MAX_TEXT_BYTES) throw new InvalidContentError('message text is too long')
    // A numbering's start above the text's own number, or numbers past what a receiver can count exactly, would move its gap state anywhere.
    if (t.seq > MAX_U53 || t.seqStart > t.seq) throw new InvalidContentError('a text\'s number must be at most 2^53 - 1, and its numbering\'s start at most that number')
    return { type: 'text', messageId: t.messageId, body: t.body, sentAt: Number(t.sentAt), seq: Number(t.seq), resend: t.resend, seqStart: Number(t.seqStart) }
  }
  if (content.receipt != null) {
    const r = content.receipt
    if (r.kind !== Receipt.Kind.DELIVERED && r.kind !== Receipt.Kind.READ) throw new InvalidContentError('unknown receipt kind')
    if (r.messageIds.length === 0 || r.messageIds.length > 1024 || r.messageIds.some(id => id.length !== MESSAGE_ID_LENGTH)) {
      throw new InvalidContentError('receipt message ids are malformed')
    }
    return { type: 'receipt', kind: r.kind === Receipt.Kind.DELIVERED ? 'delivered' : 'read', messageIds: r.messageIds }
  }
  if (content.capability != null) {
    if (content.capability.secret.length !== CAPABILITY_LENGTH) throw new InvalidContentError('a capability is 32 bytes')
    return { type: 'capability', secret: content.capability.secret }
  }
  throw new InvalidContentError('message content is empty or of an unknown kind')
}
