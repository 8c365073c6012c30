/**
 * The plaintext inside every ratchet message is one Content (src/wire/content.proto): a text
 * or a receipt. Decoding is strict: anything else is refused with a typed error.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { Content, Receipt } from '../wire/content.js'
import { FlatMessageWriter } from '../wire/flat-writer.js'
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
  { number: 5, name: 'resend', kind: 'bool', optional: false }
], (message) => new InvalidContentError(message))
/** Content's field number of `text` (content.proto). */
const CONTENT_TEXT = 1

const isU53 = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

export function encodeText (text: Omit<TextContent, 'type'>): Uint8Array {
  if (isU53(text.sentAt) && isU53(text.seq)) return textWriter.encode(text as unknown as Record<string, unknown>, CONTENT_TEXT)
  // Anything else is refused by the generated encoder, as it always was.
  return Content.encode({
    text: { messageId: text.messageId as Uint8Array<ArrayBuffer>, body: text.body, sentAt: BigInt(text.sentAt), seq: BigInt(text.seq), resend: text.resend }
  })
}

export function encodeReceipt (kind: 'delivered' | 'read', messageIds: Uint8Array[]): Uint8Array {
  return Content.encode({
    receipt: { kind: kind === 'delivered' ? Receipt.Kind.DELIVERED : Receipt.Kind.READ, messageIds: messageIds as Array<Uint8Array<ArrayBuffer>> }
  })
}

export function decodeContent (bytes: Uint8Array): DecodedContent {
  let content: Content
  try {
    content = Content.decode(bytes)
  } catch {
    throw new InvalidContentError('message content does not decode')
  }
  if (content.text != null) {
    const t = content.text
    if (t.messageId.length !== MESSAGE_ID_LENGTH) throw new InvalidContentError('message id must be 16 bytes')
    if (Buffer.byteLength(t.body, 'utf8') > MAX_TEXT_BYTES) throw new InvalidContentError('message text is too long')
    return { type: 'text', messageId: t.messageId, body: t.body, sentAt: Number(t.sentAt), seq: Number(t.seq), resend: t.resend }
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
