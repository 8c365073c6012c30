/**
 * The post-quantum payload at the front of every body plaintext (docs/protocol.md part 3b,
 * "Payload"), inside the padding and the body AEAD: a relay sees neither chunks nor epochs.
 *
 *   0x00                                                no chunk
 *   0x01 || u32be(targetEpoch) || u16be(index) || 32    a chunk of an encapsulation key
 *   0x02 || u32be(targetEpoch) || u16be(index) || 32    a chunk of a ciphertext
 *
 * `targetEpoch` is the epoch the exchanged key will open (e + 1 while moving out of e).
 */
import { InvalidMessageError } from '../errors.js'
import { CHUNK_LENGTH, CHUNK_PAYLOAD_LENGTH, PAYLOAD_CT_CHUNK, PAYLOAD_EK_CHUNK, PAYLOAD_NONE } from './constants.js'

export type PqPayload =
  | { readonly kind: 'none' }
  | { readonly kind: 'ek' | 'ct', readonly targetEpoch: number, readonly index: number, readonly data: Uint8Array }

export const NO_PAYLOAD: PqPayload = Object.freeze({ kind: 'none' })
const NONE_BYTES = Uint8Array.of(PAYLOAD_NONE)

/** Length of the payload's encoding: 1 or 39 bytes. */
export function payloadLength (payload: PqPayload): number {
  return payload.kind === 'none' ? 1 : CHUNK_PAYLOAD_LENGTH
}

/** Write the payload at the start of `out` (which has room for it). */
export function writePayload (payload: PqPayload, out: Uint8Array): void {
  if (payload.kind === 'none') {
    out.set(NONE_BYTES, 0)
    return
  }
  out[0] = payload.kind === 'ek' ? PAYLOAD_EK_CHUNK : PAYLOAD_CT_CHUNK
  const view = new DataView(out.buffer, out.byteOffset, CHUNK_PAYLOAD_LENGTH)
  view.setUint32(1, payload.targetEpoch, false)
  view.setUint16(5, payload.index, false)
  out.set(payload.data, 7)
}

/** Split an unpadded body into payload and plaintext; InvalidMessageError on an unknown kind or a short body. */
export function readPayload (body: Uint8Array): { payload: PqPayload, plaintext: Uint8Array } {
  if (body.length < 1) throw new InvalidMessageError('body has no post-quantum payload')
  const kind = body[0]
  if (kind === PAYLOAD_NONE) return { payload: NO_PAYLOAD, plaintext: body.subarray(1) }
  if (kind !== PAYLOAD_EK_CHUNK && kind !== PAYLOAD_CT_CHUNK) throw new InvalidMessageError(`unknown post-quantum payload kind ${kind}`)
  if (body.length < CHUNK_PAYLOAD_LENGTH) throw new InvalidMessageError('post-quantum chunk payload truncated')
  const view = new DataView(body.buffer, body.byteOffset, CHUNK_PAYLOAD_LENGTH)
  return {
    payload: {
      kind: kind === PAYLOAD_EK_CHUNK ? 'ek' : 'ct',
      targetEpoch: view.getUint32(1, false),
      index: view.getUint16(5, false),
      data: body.slice(7, 7 + CHUNK_LENGTH)
    },
    plaintext: body.subarray(CHUNK_PAYLOAD_LENGTH)
  }
}
