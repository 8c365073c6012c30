/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface BundleRequest {}

export namespace BundleRequest {
  let _codec: Codec<BundleRequest>

  export const codec = (): Codec<BundleRequest> => {
    if (_codec == null) {
      _codec = message<BundleRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
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

  export function encode (obj: Partial<BundleRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BundleRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BundleRequest>): BundleRequest {
    return decodeMessage(buf, BundleRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BundleRequest>): Generator<{}> {
    return streamMessage(buf, BundleRequest.codec(), opts)
  }
}

export interface BundleResponse {
  bundle?: Uint8Array<ArrayBuffer>
  error?: BundleResponse.Error
}

export namespace BundleResponse {
  export interface Error {
    code: BundleResponse.Error.Code
    message: string
  }

  export namespace Error {
    export enum Code {
      CODE_UNSPECIFIED = 'CODE_UNSPECIFIED',
      RATE_LIMITED = 'RATE_LIMITED',
      UNAVAILABLE = 'UNAVAILABLE',
      MALFORMED = 'MALFORMED',
      INTERNAL = 'INTERNAL'
    }

    enum __CodeValues {
      CODE_UNSPECIFIED = 0,
      RATE_LIMITED = 1,
      UNAVAILABLE = 2,
      MALFORMED = 3,
      INTERNAL = 4
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

          if (obj.code != null && __CodeValues[obj.code] !== 0) {
            w.uint32(8)
            BundleResponse.Error.Code.codec().encode(obj.code, w)
          }

          if ((obj.message != null && obj.message !== '')) {
            w.uint32(18)
            w.string(obj.message)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            code: Code.CODE_UNSPECIFIED,
            message: ''
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.code = BundleResponse.Error.Code.codec().decode(reader)
                break
              }
              case 2: {
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
                  field: `${prefix}.code`,
                  value: BundleResponse.Error.Code.codec().decode(reader)
                }
                break
              }
              case 2: {
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

    export interface ErrorCodeFieldEvent {
      field: '$.code'
      value: BundleResponse.Error.Code
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

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorCodeFieldEvent | ErrorMessageFieldEvent> {
      return streamMessage(buf, Error.codec(), opts)
    }
  }

  let _codec: Codec<BundleResponse>

  export const codec = (): Codec<BundleResponse> => {
    if (_codec == null) {
      _codec = message<BundleResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        obj = { ...obj }

        if (obj.error != null) {
          obj.bundle = undefined
        }

        if (obj.bundle != null) {
          obj.error = undefined
        }

        if (obj.bundle != null) {
          w.uint32(10)
          w.bytes(obj.bundle)
        }

        if (obj.error != null) {
          w.uint32(18)
          BundleResponse.Error.codec().encode(obj.error, w)
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
              obj.bundle = reader.bytes()
              break
            }
            case 2: {
              obj.error = BundleResponse.Error.codec().decode(reader, reader.uint32(), {
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
          delete obj.bundle
        }

        if (obj.bundle != null) {
          delete obj.error
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.bundle`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * BundleResponse.Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
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

  export interface BundleResponseBundleFieldEvent {
    field: '$.bundle'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BundleResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: BundleResponse.Error.Code
  }

  export interface BundleResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export function encode (obj: Partial<BundleResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BundleResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BundleResponse>): BundleResponse {
    return decodeMessage(buf, BundleResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BundleResponse>): Generator<BundleResponseBundleFieldEvent | BundleResponseErrorCodeFieldEvent | BundleResponseErrorMessageFieldEvent> {
    return streamMessage(buf, BundleResponse.codec(), opts)
  }
}
