/**
 * The frames of the dm protocol (docs/protocol.md part 6, "dm"; src/wire/dm.proto): what a
 * receiver accepts, and the frames each side writes. Pure functions, so that the receiver's
 * checks can be fuzzed on their own (fuzz/targets/wire.ts).
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { DmFrame } from '../../wire/dm.js'
import { Envelope } from '../../wire/envelope.js'
import { FlatMessageWriter } from '../../wire/flat-writer.js'
import { parseEnvelope, type EnvelopeBytes, type ParsedEnvelope } from '../../wire/strict/envelope.js'
import { truncateUtf8 } from '../text.js'
import { MAX_ERROR_MESSAGE_BYTES } from './constants.js'
import { DM_ERROR_CODES, type DmErrorCode } from './errors.js'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'

/** What the application answers for each envelope of a batch, in the batch's order. */
export type DmReceiveResult =
  | { status: 'ok' }
  | { status: 'duplicate' }
  | { status: 'error', code: DmErrorCode, message: string }

/** Why a frame is refused: the error frame's id (empty when unknown), code and message. */
export interface DmRefusal {
  id: Uint8Array<ArrayBuffer>
  code: DmErrorCode
  message: string
}

const EMPTY = new Uint8Array(new ArrayBuffer(0))

/**
 * Checks one frame body received from `remotePeerBytes` (docs/protocol.md part 6, "Receiver"
 * step 1): the envelope that may reach the application, decoded once and carrying its bytes,
 * or the refusal to answer.
 */
export function checkDmFrame (body: Uint8Array | Uint8ArrayList, remotePeerBytes: Uint8Array, localPeerBytes: Uint8Array): ParsedEnvelope | DmRefusal {
  let frame: DmFrame
  try {
    frame = DmFrame.decode(body)
  } catch {
    return { id: EMPTY, code: 'MALFORMED', message: 'frame does not decode' }
  }
  if (frame.envelope == null) {
    if (body.byteLength === 0) {
      return { id: EMPTY, code: 'MALFORMED', message: 'empty frame' }
    }
    // An ack, an error or a frame kind from a later version: not accepted on this side.
    return { id: EMPTY, code: 'UNSUPPORTED', message: 'only envelope frames are accepted' }
  }
  let envelope: ParsedEnvelope
  try {
    // The one decode of a received envelope; it checks the id's length, which the ack echoes.
    envelope = parseEnvelope(frame.envelope)
  } catch (err) {
    return { id: EMPTY, code: 'MALFORMED', message: (err as Error).message }
  }
  const id = envelope.id
  if (!uint8ArrayEquals(envelope.sender, remotePeerBytes)) {
    return { id, code: 'SENDER_MISMATCH', message: 'sender is not the authenticated remote peer' }
  }
  if (!uint8ArrayEquals(envelope.recipient, localPeerBytes)) {
    return { id, code: 'RECIPIENT_MISMATCH', message: 'recipient is not this peer' }
  }
  if (envelope.kind === Envelope.Kind.KIND_UNSPECIFIED) {
    return { id, code: 'UNSUPPORTED', message: 'envelope kind unspecified' }
  }
  return envelope
}

/** Whether checkDmFrame refused the frame. */
export function isRefusal (checked: ParsedEnvelope | DmRefusal): checked is DmRefusal {
  return 'code' in checked
}

/**
 * The body of an envelope frame, `DmFrame { envelope = 1 }`, around the envelope's exact bytes
 * without copying them: the field's tag (0x0a) and length varint, then the bytes. On the wire
 * this is what DmFrame.encode writes.
 */
export function envelopeFrame (envelope: EnvelopeBytes): Uint8ArrayList {
  const length = envelope.bytes.byteLength
  const head: number[] = [0x0a]
  let rest = length
  while (rest >= 0x80) {
    head.push((rest & 0x7f) | 0x80)
    rest >>>= 7
  }
  head.push(rest)
  return new Uint8ArrayList(Uint8Array.from(head), envelope.bytes)
}

/**
 * `DmFrame { ack = 2: Ack { id = 1, status = 2 } }`, written in one pass (src/wire/flat-writer.ts):
 * one for every envelope received, where the generated encoder cost ~10 us each. The same bytes
 * as DmFrame.encode (test/net/dm-frames.test.ts).
 */
const ackWriter = new FlatMessageWriter([
  { number: 1, name: 'id', kind: 'bytes', optional: false },
  { number: 2, name: 'status', kind: 'enum', optional: false, values: [DmFrame.Ack.Status.STATUS_UNSPECIFIED, DmFrame.Ack.Status.OK, DmFrame.Ack.Status.DUPLICATE] }
], (message) => new RangeError(message))
/** DmFrame's field number of `ack`. */
const ACK_FIELD = 2

/** The receiver's answer frame for one envelope of a batch. */
export function resultFrame (id: Uint8Array<ArrayBuffer>, result: DmReceiveResult | undefined): Uint8Array {
  if (result?.status === 'ok') {
    return ackWriter.encode({ id, status: DmFrame.Ack.Status.OK }, ACK_FIELD)
  }
  if (result?.status === 'duplicate') {
    return ackWriter.encode({ id, status: DmFrame.Ack.Status.DUPLICATE }, ACK_FIELD)
  }
  if (result?.status === 'error' && DM_ERROR_CODES.includes(result.code)) {
    return errorFrame(id, result.code, String(result.message ?? ''))
  }
  return errorFrame(id, 'INTERNAL', 'invalid handler result')
}

export function errorFrame (id: Uint8Array<ArrayBuffer>, code: DmErrorCode, message: string): Uint8Array {
  return DmFrame.encode({
    error: {
      id,
      code: DmFrame.Error.Code[code],
      message: truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES)
    }
  })
}

/** An envelope id as a map key. */
export function idKey (id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('hex')
}
