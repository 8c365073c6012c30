import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface DmFrame {
  envelope?: Uint8Array<ArrayBuffer>
  ack?: DmFrame.Ack
  error?: DmFrame.Error
}

export namespace DmFrame {
  export interface Ack {
    id: Uint8Array<ArrayBuffer>
    status: DmFrame.Ack.Status
  }

  export namespace Ack {
    export enum Status {
      STATUS_UNSPECIFIED = 'STATUS_UNSPECIFIED',
      OK = 'OK',
      DUPLICATE = 'DUPLICATE'
    }

    enum __StatusValues {
      STATUS_UNSPECIFIED = 0,
      OK = 1,
      DUPLICATE = 2
    }

    export namespace Status {
      export const codec = (): Codec<Status> => {
        return enumeration<Status>(__StatusValues)
      }
    }

    let _codec: Codec<Ack>

    export const codec = (): Codec<Ack> => {
      if (_codec == null) {
        _codec = message<Ack>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.id != null && obj.id.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if (obj.status != null && __StatusValues[obj.status] !== 0) {
            w.uint32(16)
            DmFrame.Ack.Status.codec().encode(obj.status, w)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
            status: Status.STATUS_UNSPECIFIED
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
                obj.status = DmFrame.Ack.Status.codec().decode(reader)
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
                  field: `${prefix}.status`,
                  value: DmFrame.Ack.Status.codec().decode(reader)
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

    export interface AckIdFieldEvent {
      field: '$.id'
      value: Uint8Array<ArrayBuffer>
    }

    export interface AckStatusFieldEvent {
      field: '$.status'
      value: DmFrame.Ack.Status
    }

    export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Ack.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
      return decodeMessage(buf, Ack.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<AckIdFieldEvent | AckStatusFieldEvent> {
      return streamMessage(buf, Ack.codec(), opts)
    }
  }

  export interface Error {
    id: Uint8Array<ArrayBuffer>
    code: DmFrame.Error.Code
    message: string
  }

  export namespace Error {
    export enum Code {
      CODE_UNSPECIFIED = 'CODE_UNSPECIFIED',
      MALFORMED = 'MALFORMED',
      TOO_LARGE = 'TOO_LARGE',
      SENDER_MISMATCH = 'SENDER_MISMATCH',
      RECIPIENT_MISMATCH = 'RECIPIENT_MISMATCH',
      UNDECRYPTABLE = 'UNDECRYPTABLE',
      UNSUPPORTED = 'UNSUPPORTED',
      INTERNAL = 'INTERNAL'
    }

    enum __CodeValues {
      CODE_UNSPECIFIED = 0,
      MALFORMED = 1,
      TOO_LARGE = 2,
      SENDER_MISMATCH = 3,
      RECIPIENT_MISMATCH = 4,
      UNDECRYPTABLE = 5,
      UNSUPPORTED = 6,
      INTERNAL = 7
    }

    export namespace Code {
      export const codec = (): Codec<Code> => {
        return enumeration<Code>(__CodeValues)
      }
    }

    let _codec: Codec<Error>

    export const codec = (): Codec<Error> => {
      if (_codec == null) {
        _codec = message<Error>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.id != null && obj.id.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if (obj.code != null && __CodeValues[obj.code] !== 0) {
            w.uint32(16)
            DmFrame.Error.Code.codec().encode(obj.code, w)
          }

          if ((obj.message != null && obj.message !== '')) {
            w.uint32(26)
            w.string(obj.message)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
            code: Code.CODE_UNSPECIFIED,
            message: ''
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
                obj.code = DmFrame.Error.Code.codec().decode(reader)
                break
              }
              case 3: {
                obj.message = reader.string()
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
                  field: `${prefix}.code`,
                  value: DmFrame.Error.Code.codec().decode(reader)
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.message`,
                  value: reader.string()
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

    export interface ErrorIdFieldEvent {
      field: '$.id'
      value: Uint8Array<ArrayBuffer>
    }

    export interface ErrorCodeFieldEvent {
      field: '$.code'
      value: DmFrame.Error.Code
    }

    export interface ErrorMessageFieldEvent {
      field: '$.message'
      value: string
    }

    export function encode (obj: Partial<Error>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Error.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Error {
      return decodeMessage(buf, Error.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorIdFieldEvent | ErrorCodeFieldEvent | ErrorMessageFieldEvent> {
      return streamMessage(buf, Error.codec(), opts)
    }
  }

  let _codec: Codec<DmFrame>

  export const codec = (): Codec<DmFrame> => {
    if (_codec == null) {
      _codec = message<DmFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.ack = undefined
          obj.envelope = undefined
        }

        if (obj.ack != null) {
          obj.error = undefined
          obj.envelope = undefined
        }

        if (obj.envelope != null) {
          obj.error = undefined
          obj.ack = undefined
        }

        if (obj.envelope != null) {
          w.uint32(10)
          w.bytes(obj.envelope)
        }

        if (obj.ack != null) {
          w.uint32(18)
          DmFrame.Ack.codec().encode(obj.ack, w)
        }

        if (obj.error != null) {
          w.uint32(26)
          DmFrame.Error.codec().encode(obj.error, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = reader.bytes()
              break
            }
            case 2: {
              obj.ack = DmFrame.Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 3: {
              obj.error = DmFrame.Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        if (obj.error != null) {
          delete obj.ack
          delete obj.envelope
        }

        if (obj.ack != null) {
          delete obj.error
          delete obj.envelope
        }

        if (obj.envelope != null) {
          delete obj.error
          delete obj.ack
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * DmFrame.Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 3: {
              yield * DmFrame.Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

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

  export interface DmFrameEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameAckIdFieldEvent {
    field: '$.ack.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameAckStatusFieldEvent {
    field: '$.ack.status'
    value: DmFrame.Ack.Status
  }

  export interface DmFrameErrorIdFieldEvent {
    field: '$.error.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DmFrameErrorCodeFieldEvent {
    field: '$.error.code'
    value: DmFrame.Error.Code
  }

  export interface DmFrameErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<DmFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DmFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmFrame>): DmFrame {
    return decodeMessage(buf, DmFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DmFrame>): Generator<DmFrameEnvelopeFieldEvent | DmFrameAckIdFieldEvent | DmFrameAckStatusFieldEvent | DmFrameErrorIdFieldEvent | DmFrameErrorCodeFieldEvent | DmFrameErrorMessageFieldEvent> {
    return streamMessage(buf, DmFrame.codec(), opts)
  }
}
