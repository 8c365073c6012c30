import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Envelope {
  id: Uint8Array<ArrayBuffer>
  sender: Uint8Array<ArrayBuffer>
  recipient: Uint8Array<ArrayBuffer>
  createdAt: bigint
  kind: Envelope.Kind
  payload: Uint8Array<ArrayBuffer>
  expiresAt: bigint
}

export namespace Envelope {
  export enum Kind {
    KIND_UNSPECIFIED = 'KIND_UNSPECIFIED',
    PREKEY = 'PREKEY',
    RATCHET = 'RATCHET'
  }

  enum __KindValues {
    KIND_UNSPECIFIED = 0,
    PREKEY = 1,
    RATCHET = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.sender != null && obj.sender.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.sender)
        }

        if ((obj.recipient != null && obj.recipient.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.recipient)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.createdAt)
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(40)
          Envelope.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.payload)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0n)) {
          w.uint32(56)
          w.uint64(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          sender: uint8ArrayAlloc(0),
          recipient: uint8ArrayAlloc(0),
          createdAt: 0n,
          kind: Kind.KIND_UNSPECIFIED,
          payload: uint8ArrayAlloc(0),
          expiresAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.sender = reader.bytes()
              break
            }
            case 3: {
              obj.recipient = reader.bytes()
              break
            }
            case 4: {
              obj.createdAt = reader.uint64()
              break
            }
            case 5: {
              obj.kind = Envelope.Kind.codec().decode(reader)
              break
            }
            case 6: {
              obj.payload = reader.bytes()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sender`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.kind`,
                value: Envelope.Kind.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface EnvelopeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeSenderFieldEvent {
    field: '$.sender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeRecipientFieldEvent {
    field: '$.recipient'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface EnvelopeKindFieldEvent {
    field: '$.kind'
    value: Envelope.Kind
  }

  export interface EnvelopePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: bigint
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeIdFieldEvent | EnvelopeSenderFieldEvent | EnvelopeRecipientFieldEvent | EnvelopeCreatedAtFieldEvent | EnvelopeKindFieldEvent | EnvelopePayloadFieldEvent | EnvelopeExpiresAtFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}
