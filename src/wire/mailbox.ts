/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface MailboxRequest {
  register?: MailboxRequest.Register
  deposit?: MailboxRequest.Deposit
  fetch?: MailboxRequest.Fetch
  ack?: MailboxRequest.Ack
  subscribe?: MailboxRequest.Subscribe
  settings?: MailboxRequest.Settings
  capabilities?: MailboxRequest.Capabilities
  uploadPrekeys?: MailboxRequest.UploadPrekeys
  takePrekey?: MailboxRequest.TakePrekey
  status?: MailboxRequest.Status
  deliver?: MailboxRequest.Deliver
}

export namespace MailboxRequest {
  export interface Register {}

  export namespace Register {
    let _codec: Codec<Register>

    export const codec = (): Codec<Register> => {
      if (_codec == null) {
        _codec = message<Register>((obj, w, opts = {}) => {
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

    export function encode (obj: Partial<Register>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Register.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Register {
      return decodeMessage(buf, Register.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Register>): Generator<{}> {
      return streamMessage(buf, Register.codec(), opts)
    }
  }

  export interface Deposit {
    envelope: Uint8Array<ArrayBuffer>
    capability: Uint8Array<ArrayBuffer>
  }

  export namespace Deposit {
    let _codec: Codec<Deposit>

    export const codec = (): Codec<Deposit> => {
      if (_codec == null) {
        _codec = message<Deposit>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.envelope)
          }

          if ((obj.capability != null && obj.capability.byteLength > 0)) {
            w.uint32(18)
            w.bytes(obj.capability)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            envelope: uint8ArrayAlloc(0),
            capability: uint8ArrayAlloc(0)
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.envelope = reader.bytes()
                break
              }
              case 2: {
                obj.capability = reader.bytes()
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
                  field: `${prefix}.envelope`,
                  value: reader.bytes()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.capability`,
                  value: reader.bytes()
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

    export interface DepositEnvelopeFieldEvent {
      field: '$.envelope'
      value: Uint8Array<ArrayBuffer>
    }

    export interface DepositCapabilityFieldEvent {
      field: '$.capability'
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Deposit>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Deposit.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deposit>): Deposit {
      return decodeMessage(buf, Deposit.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deposit>): Generator<DepositEnvelopeFieldEvent | DepositCapabilityFieldEvent> {
      return streamMessage(buf, Deposit.codec(), opts)
    }
  }

  export interface Fetch {
    cursor: bigint
    limit: number
  }

  export namespace Fetch {
    let _codec: Codec<Fetch>

    export const codec = (): Codec<Fetch> => {
      if (_codec == null) {
        _codec = message<Fetch>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.cursor != null && obj.cursor !== 0n)) {
            w.uint32(8)
            w.uint64(obj.cursor)
          }

          if ((obj.limit != null && obj.limit !== 0)) {
            w.uint32(16)
            w.uint32(obj.limit)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            cursor: 0n,
            limit: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.cursor = reader.uint64()
                break
              }
              case 2: {
                obj.limit = reader.uint32()
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
                  field: `${prefix}.cursor`,
                  value: reader.uint64()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.limit`,
                  value: reader.uint32()
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

    export interface FetchCursorFieldEvent {
      field: '$.cursor'
      value: bigint
    }

    export interface FetchLimitFieldEvent {
      field: '$.limit'
      value: number
    }

    export function encode (obj: Partial<Fetch>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Fetch.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fetch>): Fetch {
      return decodeMessage(buf, Fetch.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Fetch>): Generator<FetchCursorFieldEvent | FetchLimitFieldEvent> {
      return streamMessage(buf, Fetch.codec(), opts)
    }
  }

  export interface Ack {
    ids: Uint8Array<ArrayBuffer>[]
  }

  export namespace Ack {
    let _codec: Codec<Ack>

    export const codec = (): Codec<Ack> => {
      if (_codec == null) {
        _codec = message<Ack>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ids != null && obj.ids.length > 0) {
            for (const value of obj.ids) {
              w.uint32(10)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            ids: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                  throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
                }

                obj.ids.push(reader.bytes())
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
          const obj = {
            ids: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                  throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
                }

                yield {
                  field: `${prefix}.ids[]`,
                  index: obj.ids,
                  value: reader.bytes()
                }

                obj.ids++

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

    export interface AckIdsFieldEvent {
      field: '$.ids[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Ack>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Ack.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Ack {
      return decodeMessage(buf, Ack.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Ack>): Generator<AckIdsFieldEvent> {
      return streamMessage(buf, Ack.codec(), opts)
    }
  }

  export interface Subscribe {}

  export namespace Subscribe {
    let _codec: Codec<Subscribe>

    export const codec = (): Codec<Subscribe> => {
      if (_codec == null) {
        _codec = message<Subscribe>((obj, w, opts = {}) => {
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

    export function encode (obj: Partial<Subscribe>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Subscribe.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Subscribe>): Subscribe {
      return decodeMessage(buf, Subscribe.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Subscribe>): Generator<{}> {
      return streamMessage(buf, Subscribe.codec(), opts)
    }
  }

  export interface Settings {
    firstContactOpen: boolean
  }

  export namespace Settings {
    let _codec: Codec<Settings>

    export const codec = (): Codec<Settings> => {
      if (_codec == null) {
        _codec = message<Settings>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.firstContactOpen != null && obj.firstContactOpen !== false)) {
            w.uint32(8)
            w.bool(obj.firstContactOpen)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            firstContactOpen: false
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.firstContactOpen = reader.bool()
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
                  field: `${prefix}.firstContactOpen`,
                  value: reader.bool()
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

    export interface SettingsFirstContactOpenFieldEvent {
      field: '$.firstContactOpen'
      value: boolean
    }

    export function encode (obj: Partial<Settings>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Settings.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Settings>): Settings {
      return decodeMessage(buf, Settings.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Settings>): Generator<SettingsFirstContactOpenFieldEvent> {
      return streamMessage(buf, Settings.codec(), opts)
    }
  }

  export interface Capabilities {
    add: Uint8Array<ArrayBuffer>[]
    remove: Uint8Array<ArrayBuffer>[]
  }

  export namespace Capabilities {
    let _codec: Codec<Capabilities>

    export const codec = (): Codec<Capabilities> => {
      if (_codec == null) {
        _codec = message<Capabilities>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.add != null && obj.add.length > 0) {
            for (const value of obj.add) {
              w.uint32(10)
              w.bytes(value)
            }
          }

          if (obj.remove != null && obj.remove.length > 0) {
            for (const value of obj.remove) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            add: [],
            remove: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.add != null && obj.add.length === opts.limits.add) {
                  throw new MaxLengthError('Decode error - repeated field "add" had too many elements')
                }

                obj.add.push(reader.bytes())
                break
              }
              case 2: {
                if (opts.limits?.remove != null && obj.remove.length === opts.limits.remove) {
                  throw new MaxLengthError('Decode error - repeated field "remove" had too many elements')
                }

                obj.remove.push(reader.bytes())
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
          const obj = {
            add: 0,
            remove: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.add != null && obj.add === opts.limits.add) {
                  throw new MaxLengthError('Streaming decode error - repeated field "add" had too many elements')
                }

                yield {
                  field: `${prefix}.add[]`,
                  index: obj.add,
                  value: reader.bytes()
                }

                obj.add++

                break
              }
              case 2: {
                if (opts.limits?.remove != null && obj.remove === opts.limits.remove) {
                  throw new MaxLengthError('Streaming decode error - repeated field "remove" had too many elements')
                }

                yield {
                  field: `${prefix}.remove[]`,
                  index: obj.remove,
                  value: reader.bytes()
                }

                obj.remove++

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

    export interface CapabilitiesAddFieldEvent {
      field: '$.add[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export interface CapabilitiesRemoveFieldEvent {
      field: '$.remove[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Capabilities>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Capabilities.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Capabilities>): Capabilities {
      return decodeMessage(buf, Capabilities.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Capabilities>): Generator<CapabilitiesAddFieldEvent | CapabilitiesRemoveFieldEvent> {
      return streamMessage(buf, Capabilities.codec(), opts)
    }
  }

  export interface UploadPrekeys {
    bundles: Uint8Array<ArrayBuffer>[]
    replace: boolean
  }

  export namespace UploadPrekeys {
    let _codec: Codec<UploadPrekeys>

    export const codec = (): Codec<UploadPrekeys> => {
      if (_codec == null) {
        _codec = message<UploadPrekeys>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.bundles != null && obj.bundles.length > 0) {
            for (const value of obj.bundles) {
              w.uint32(10)
              w.bytes(value)
            }
          }

          if ((obj.replace != null && obj.replace !== false)) {
            w.uint32(16)
            w.bool(obj.replace)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            bundles: [],
            replace: false
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.bundles != null && obj.bundles.length === opts.limits.bundles) {
                  throw new MaxLengthError('Decode error - repeated field "bundles" had too many elements')
                }

                obj.bundles.push(reader.bytes())
                break
              }
              case 2: {
                obj.replace = reader.bool()
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
          const obj = {
            bundles: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.bundles != null && obj.bundles === opts.limits.bundles) {
                  throw new MaxLengthError('Streaming decode error - repeated field "bundles" had too many elements')
                }

                yield {
                  field: `${prefix}.bundles[]`,
                  index: obj.bundles,
                  value: reader.bytes()
                }

                obj.bundles++

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.replace`,
                  value: reader.bool()
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

    export interface UploadPrekeysBundlesFieldEvent {
      field: '$.bundles[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export interface UploadPrekeysReplaceFieldEvent {
      field: '$.replace'
      value: boolean
    }

    export function encode (obj: Partial<UploadPrekeys>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, UploadPrekeys.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UploadPrekeys>): UploadPrekeys {
      return decodeMessage(buf, UploadPrekeys.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UploadPrekeys>): Generator<UploadPrekeysBundlesFieldEvent | UploadPrekeysReplaceFieldEvent> {
      return streamMessage(buf, UploadPrekeys.codec(), opts)
    }
  }

  export interface TakePrekey {
    owner: Uint8Array<ArrayBuffer>
  }

  export namespace TakePrekey {
    let _codec: Codec<TakePrekey>

    export const codec = (): Codec<TakePrekey> => {
      if (_codec == null) {
        _codec = message<TakePrekey>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.owner != null && obj.owner.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.owner)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            owner: uint8ArrayAlloc(0)
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.owner = reader.bytes()
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
                  field: `${prefix}.owner`,
                  value: reader.bytes()
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

    export interface TakePrekeyOwnerFieldEvent {
      field: '$.owner'
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<TakePrekey>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, TakePrekey.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TakePrekey>): TakePrekey {
      return decodeMessage(buf, TakePrekey.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TakePrekey>): Generator<TakePrekeyOwnerFieldEvent> {
      return streamMessage(buf, TakePrekey.codec(), opts)
    }
  }

  export interface Status {}

  export namespace Status {
    let _codec: Codec<Status>

    export const codec = (): Codec<Status> => {
      if (_codec == null) {
        _codec = message<Status>((obj, w, opts = {}) => {
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

    export function encode (obj: Partial<Status>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Status.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Status>): Status {
      return decodeMessage(buf, Status.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Status>): Generator<{}> {
      return streamMessage(buf, Status.codec(), opts)
    }
  }

  export interface Deliver {
    envelopes: Uint8Array<ArrayBuffer>[]
  }

  export namespace Deliver {
    let _codec: Codec<Deliver>

    export const codec = (): Codec<Deliver> => {
      if (_codec == null) {
        _codec = message<Deliver>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.envelopes != null && obj.envelopes.length > 0) {
            for (const value of obj.envelopes) {
              w.uint32(10)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            envelopes: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                  throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
                }

                obj.envelopes.push(reader.bytes())
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
          const obj = {
            envelopes: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                  throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
                }

                yield {
                  field: `${prefix}.envelopes[]`,
                  index: obj.envelopes,
                  value: reader.bytes()
                }

                obj.envelopes++

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

    export interface DeliverEnvelopesFieldEvent {
      field: '$.envelopes[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Deliver>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Deliver.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deliver>): Deliver {
      return decodeMessage(buf, Deliver.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deliver>): Generator<DeliverEnvelopesFieldEvent> {
      return streamMessage(buf, Deliver.codec(), opts)
    }
  }

  let _codec: Codec<MailboxRequest>

  export const codec = (): Codec<MailboxRequest> => {
    if (_codec == null) {
      _codec = message<MailboxRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.register != null) {
          w.uint32(10)
          MailboxRequest.Register.codec().encode(obj.register, w)
        }

        if (obj.deposit != null) {
          w.uint32(18)
          MailboxRequest.Deposit.codec().encode(obj.deposit, w)
        }

        if (obj.fetch != null) {
          w.uint32(26)
          MailboxRequest.Fetch.codec().encode(obj.fetch, w)
        }

        if (obj.ack != null) {
          w.uint32(34)
          MailboxRequest.Ack.codec().encode(obj.ack, w)
        }

        if (obj.subscribe != null) {
          w.uint32(42)
          MailboxRequest.Subscribe.codec().encode(obj.subscribe, w)
        }

        if (obj.settings != null) {
          w.uint32(50)
          MailboxRequest.Settings.codec().encode(obj.settings, w)
        }

        if (obj.capabilities != null) {
          w.uint32(58)
          MailboxRequest.Capabilities.codec().encode(obj.capabilities, w)
        }

        if (obj.uploadPrekeys != null) {
          w.uint32(66)
          MailboxRequest.UploadPrekeys.codec().encode(obj.uploadPrekeys, w)
        }

        if (obj.takePrekey != null) {
          w.uint32(74)
          MailboxRequest.TakePrekey.codec().encode(obj.takePrekey, w)
        }

        if (obj.status != null) {
          w.uint32(82)
          MailboxRequest.Status.codec().encode(obj.status, w)
        }

        if (obj.deliver != null) {
          w.uint32(90)
          MailboxRequest.Deliver.codec().encode(obj.deliver, w)
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
              obj.register = MailboxRequest.Register.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.register
              })
              break
            }
            case 2: {
              obj.deposit = MailboxRequest.Deposit.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.deposit
              })
              break
            }
            case 3: {
              obj.fetch = MailboxRequest.Fetch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.fetch
              })
              break
            }
            case 4: {
              obj.ack = MailboxRequest.Ack.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ack
              })
              break
            }
            case 5: {
              obj.subscribe = MailboxRequest.Subscribe.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.subscribe
              })
              break
            }
            case 6: {
              obj.settings = MailboxRequest.Settings.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.settings
              })
              break
            }
            case 7: {
              obj.capabilities = MailboxRequest.Capabilities.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.capabilities
              })
              break
            }
            case 8: {
              obj.uploadPrekeys = MailboxRequest.UploadPrekeys.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.uploadPrekeys
              })
              break
            }
            case 9: {
              obj.takePrekey = MailboxRequest.TakePrekey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.takePrekey
              })
              break
            }
            case 10: {
              obj.status = MailboxRequest.Status.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            case 11: {
              obj.deliver = MailboxRequest.Deliver.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.deliver
              })
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
              yield * MailboxRequest.Register.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                limits: opts.limits?.register
              })

              break
            }
            case 2: {
              yield * MailboxRequest.Deposit.codec().stream(reader, reader.uint32(), `${prefix}.deposit`, {
                limits: opts.limits?.deposit
              })

              break
            }
            case 3: {
              yield * MailboxRequest.Fetch.codec().stream(reader, reader.uint32(), `${prefix}.fetch`, {
                limits: opts.limits?.fetch
              })

              break
            }
            case 4: {
              yield * MailboxRequest.Ack.codec().stream(reader, reader.uint32(), `${prefix}.ack`, {
                limits: opts.limits?.ack
              })

              break
            }
            case 5: {
              yield * MailboxRequest.Subscribe.codec().stream(reader, reader.uint32(), `${prefix}.subscribe`, {
                limits: opts.limits?.subscribe
              })

              break
            }
            case 6: {
              yield * MailboxRequest.Settings.codec().stream(reader, reader.uint32(), `${prefix}.settings`, {
                limits: opts.limits?.settings
              })

              break
            }
            case 7: {
              yield * MailboxRequest.Capabilities.codec().stream(reader, reader.uint32(), `${prefix}.capabilities`, {
                limits: opts.limits?.capabilities
              })

              break
            }
            case 8: {
              yield * MailboxRequest.UploadPrekeys.codec().stream(reader, reader.uint32(), `${prefix}.uploadPrekeys`, {
                limits: opts.limits?.uploadPrekeys
              })

              break
            }
            case 9: {
              yield * MailboxRequest.TakePrekey.codec().stream(reader, reader.uint32(), `${prefix}.takePrekey`, {
                limits: opts.limits?.takePrekey
              })

              break
            }
            case 10: {
              yield * MailboxRequest.Status.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            case 11: {
              yield * MailboxRequest.Deliver.codec().stream(reader, reader.uint32(), `${prefix}.deliver`, {
                limits: opts.limits?.deliver
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

  export interface MailboxRequestDepositEnvelopeFieldEvent {
    field: '$.deposit.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestDepositCapabilityFieldEvent {
    field: '$.deposit.capability'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestFetchCursorFieldEvent {
    field: '$.fetch.cursor'
    value: bigint
  }

  export interface MailboxRequestFetchLimitFieldEvent {
    field: '$.fetch.limit'
    value: number
  }

  export interface MailboxRequestAckIdsFieldEvent {
    field: '$.ack.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestSettingsFirstContactOpenFieldEvent {
    field: '$.settings.firstContactOpen'
    value: boolean
  }

  export interface MailboxRequestCapabilitiesAddFieldEvent {
    field: '$.capabilities.add[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestCapabilitiesRemoveFieldEvent {
    field: '$.capabilities.remove[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestUploadPrekeysBundlesFieldEvent {
    field: '$.uploadPrekeys.bundles[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestUploadPrekeysReplaceFieldEvent {
    field: '$.uploadPrekeys.replace'
    value: boolean
  }

  export interface MailboxRequestTakePrekeyOwnerFieldEvent {
    field: '$.takePrekey.owner'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxRequestDeliverEnvelopesFieldEvent {
    field: '$.deliver.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<MailboxRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): MailboxRequest {
    return decodeMessage(buf, MailboxRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxRequest>): Generator<MailboxRequestDepositEnvelopeFieldEvent | MailboxRequestDepositCapabilityFieldEvent | MailboxRequestFetchCursorFieldEvent | MailboxRequestFetchLimitFieldEvent | MailboxRequestAckIdsFieldEvent | MailboxRequestSettingsFirstContactOpenFieldEvent | MailboxRequestCapabilitiesAddFieldEvent | MailboxRequestCapabilitiesRemoveFieldEvent | MailboxRequestUploadPrekeysBundlesFieldEvent | MailboxRequestUploadPrekeysReplaceFieldEvent | MailboxRequestTakePrekeyOwnerFieldEvent | MailboxRequestDeliverEnvelopesFieldEvent> {
    return streamMessage(buf, MailboxRequest.codec(), opts)
  }
}

export interface MailboxResponse {
  code: MailboxResponse.Code
  message: string
  duplicate: boolean
  envelopes: MailboxResponse.StoredEnvelope[]
  cursor: bigint
  more: boolean
  prekey: Uint8Array<ArrayBuffer>
  prekeysRemaining: number
  status?: MailboxResponse.MailboxStatus
  push: boolean
}

export namespace MailboxResponse {
  export enum Code {
    CODE_UNSPECIFIED = 'CODE_UNSPECIFIED',
    OK = 'OK',
    STORED = 'STORED',
    NOT_FOUND = 'NOT_FOUND',
    QUOTA = 'QUOTA',
    TOO_LARGE = 'TOO_LARGE',
    RATE_LIMITED = 'RATE_LIMITED',
    NONE_LEFT = 'NONE_LEFT',
    MALFORMED = 'MALFORMED',
    EXPIRED = 'EXPIRED',
    INTERNAL = 'INTERNAL'
  }

  enum __CodeValues {
    CODE_UNSPECIFIED = 0,
    OK = 1,
    STORED = 2,
    NOT_FOUND = 3,
    QUOTA = 4,
    TOO_LARGE = 5,
    RATE_LIMITED = 6,
    NONE_LEFT = 7,
    MALFORMED = 8,
    EXPIRED = 9,
    INTERNAL = 10
  }

  export namespace Code {
    export const codec = (): Codec<Code> => {
      return enumeration<Code>(__CodeValues)
    }
  }

  export interface StoredEnvelope {
    id: Uint8Array<ArrayBuffer>
    envelope: Uint8Array<ArrayBuffer>
    seq: bigint
  }

  export namespace StoredEnvelope {
    let _codec: Codec<StoredEnvelope>

    export const codec = (): Codec<StoredEnvelope> => {
      if (_codec == null) {
        _codec = message<StoredEnvelope>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.id != null && obj.id.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
            w.uint32(18)
            w.bytes(obj.envelope)
          }

          if ((obj.seq != null && obj.seq !== 0n)) {
            w.uint32(24)
            w.uint64(obj.seq)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
            envelope: uint8ArrayAlloc(0),
            seq: 0n
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
                obj.envelope = reader.bytes()
                break
              }
              case 3: {
                obj.seq = reader.uint64()
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
                  field: `${prefix}.envelope`,
                  value: reader.bytes()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.seq`,
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

    export interface StoredEnvelopeIdFieldEvent {
      field: '$.id'
      value: Uint8Array<ArrayBuffer>
    }

    export interface StoredEnvelopeEnvelopeFieldEvent {
      field: '$.envelope'
      value: Uint8Array<ArrayBuffer>
    }

    export interface StoredEnvelopeSeqFieldEvent {
      field: '$.seq'
      value: bigint
    }

    export function encode (obj: Partial<StoredEnvelope>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, StoredEnvelope.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredEnvelope>): StoredEnvelope {
      return decodeMessage(buf, StoredEnvelope.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredEnvelope>): Generator<StoredEnvelopeIdFieldEvent | StoredEnvelopeEnvelopeFieldEvent | StoredEnvelopeSeqFieldEvent> {
      return streamMessage(buf, StoredEnvelope.codec(), opts)
    }
  }

  export interface MailboxStatus {
    count: number
    bytes: bigint
    maxCount: number
    maxBytes: bigint
    firstContactCount: number
    firstContactBytes: bigint
    prekeysRemaining: number
    firstContactOpen: boolean
    capabilities: number
  }

  export namespace MailboxStatus {
    let _codec: Codec<MailboxStatus>

    export const codec = (): Codec<MailboxStatus> => {
      if (_codec == null) {
        _codec = message<MailboxStatus>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.count != null && obj.count !== 0)) {
            w.uint32(8)
            w.uint32(obj.count)
          }

          if ((obj.bytes != null && obj.bytes !== 0n)) {
            w.uint32(16)
            w.uint64(obj.bytes)
          }

          if ((obj.maxCount != null && obj.maxCount !== 0)) {
            w.uint32(24)
            w.uint32(obj.maxCount)
          }

          if ((obj.maxBytes != null && obj.maxBytes !== 0n)) {
            w.uint32(32)
            w.uint64(obj.maxBytes)
          }

          if ((obj.firstContactCount != null && obj.firstContactCount !== 0)) {
            w.uint32(40)
            w.uint32(obj.firstContactCount)
          }

          if ((obj.firstContactBytes != null && obj.firstContactBytes !== 0n)) {
            w.uint32(48)
            w.uint64(obj.firstContactBytes)
          }

          if ((obj.prekeysRemaining != null && obj.prekeysRemaining !== 0)) {
            w.uint32(56)
            w.uint32(obj.prekeysRemaining)
          }

          if ((obj.firstContactOpen != null && obj.firstContactOpen !== false)) {
            w.uint32(64)
            w.bool(obj.firstContactOpen)
          }

          if ((obj.capabilities != null && obj.capabilities !== 0)) {
            w.uint32(72)
            w.uint32(obj.capabilities)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            count: 0,
            bytes: 0n,
            maxCount: 0,
            maxBytes: 0n,
            firstContactCount: 0,
            firstContactBytes: 0n,
            prekeysRemaining: 0,
            firstContactOpen: false,
            capabilities: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.count = reader.uint32()
                break
              }
              case 2: {
                obj.bytes = reader.uint64()
                break
              }
              case 3: {
                obj.maxCount = reader.uint32()
                break
              }
              case 4: {
                obj.maxBytes = reader.uint64()
                break
              }
              case 5: {
                obj.firstContactCount = reader.uint32()
                break
              }
              case 6: {
                obj.firstContactBytes = reader.uint64()
                break
              }
              case 7: {
                obj.prekeysRemaining = reader.uint32()
                break
              }
              case 8: {
                obj.firstContactOpen = reader.bool()
                break
              }
              case 9: {
                obj.capabilities = reader.uint32()
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
                  field: `${prefix}.count`,
                  value: reader.uint32()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.bytes`,
                  value: reader.uint64()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.maxCount`,
                  value: reader.uint32()
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.maxBytes`,
                  value: reader.uint64()
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.firstContactCount`,
                  value: reader.uint32()
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.firstContactBytes`,
                  value: reader.uint64()
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.prekeysRemaining`,
                  value: reader.uint32()
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.firstContactOpen`,
                  value: reader.bool()
                }
                break
              }
              case 9: {
                yield {
                  field: `${prefix}.capabilities`,
                  value: reader.uint32()
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

    export interface MailboxStatusCountFieldEvent {
      field: '$.count'
      value: number
    }

    export interface MailboxStatusBytesFieldEvent {
      field: '$.bytes'
      value: bigint
    }

    export interface MailboxStatusMaxCountFieldEvent {
      field: '$.maxCount'
      value: number
    }

    export interface MailboxStatusMaxBytesFieldEvent {
      field: '$.maxBytes'
      value: bigint
    }

    export interface MailboxStatusFirstContactCountFieldEvent {
      field: '$.firstContactCount'
      value: number
    }

    export interface MailboxStatusFirstContactBytesFieldEvent {
      field: '$.firstContactBytes'
      value: bigint
    }

    export interface MailboxStatusPrekeysRemainingFieldEvent {
      field: '$.prekeysRemaining'
      value: number
    }

    export interface MailboxStatusFirstContactOpenFieldEvent {
      field: '$.firstContactOpen'
      value: boolean
    }

    export interface MailboxStatusCapabilitiesFieldEvent {
      field: '$.capabilities'
      value: number
    }

    export function encode (obj: Partial<MailboxStatus>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, MailboxStatus.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxStatus>): MailboxStatus {
      return decodeMessage(buf, MailboxStatus.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxStatus>): Generator<MailboxStatusCountFieldEvent | MailboxStatusBytesFieldEvent | MailboxStatusMaxCountFieldEvent | MailboxStatusMaxBytesFieldEvent | MailboxStatusFirstContactCountFieldEvent | MailboxStatusFirstContactBytesFieldEvent | MailboxStatusPrekeysRemainingFieldEvent | MailboxStatusFirstContactOpenFieldEvent | MailboxStatusCapabilitiesFieldEvent> {
      return streamMessage(buf, MailboxStatus.codec(), opts)
    }
  }

  let _codec: Codec<MailboxResponse>

  export const codec = (): Codec<MailboxResponse> => {
    if (_codec == null) {
      _codec = message<MailboxResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.code != null && __CodeValues[obj.code] !== 0) {
          w.uint32(8)
          MailboxResponse.Code.codec().encode(obj.code, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.duplicate != null && obj.duplicate !== false)) {
          w.uint32(24)
          w.bool(obj.duplicate)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(34)
            MailboxResponse.StoredEnvelope.codec().encode(value, w)
          }
        }

        if ((obj.cursor != null && obj.cursor !== 0n)) {
          w.uint32(40)
          w.uint64(obj.cursor)
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(48)
          w.bool(obj.more)
        }

        if ((obj.prekey != null && obj.prekey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.prekey)
        }

        if ((obj.prekeysRemaining != null && obj.prekeysRemaining !== 0)) {
          w.uint32(64)
          w.uint32(obj.prekeysRemaining)
        }

        if (obj.status != null) {
          w.uint32(74)
          MailboxResponse.MailboxStatus.codec().encode(obj.status, w)
        }

        if ((obj.push != null && obj.push !== false)) {
          w.uint32(80)
          w.bool(obj.push)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: Code.CODE_UNSPECIFIED,
          message: '',
          duplicate: false,
          envelopes: [],
          cursor: 0n,
          more: false,
          prekey: uint8ArrayAlloc(0),
          prekeysRemaining: 0,
          push: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = MailboxResponse.Code.codec().decode(reader)
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.duplicate = reader.bool()
              break
            }
            case 4: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(MailboxResponse.StoredEnvelope.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.envelopes$
              }))
              break
            }
            case 5: {
              obj.cursor = reader.uint64()
              break
            }
            case 6: {
              obj.more = reader.bool()
              break
            }
            case 7: {
              obj.prekey = reader.bytes()
              break
            }
            case 8: {
              obj.prekeysRemaining = reader.uint32()
              break
            }
            case 9: {
              obj.status = MailboxResponse.MailboxStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            case 10: {
              obj.push = reader.bool()
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
        const obj = {
          envelopes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: MailboxResponse.Code.codec().decode(reader)
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
            case 3: {
              yield {
                field: `${prefix}.duplicate`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              for (const evt of MailboxResponse.StoredEnvelope.codec().stream(reader, reader.uint32(), `${prefix}.envelopes[]`, {
                limits: opts.limits?.envelopes$
              })) {
                yield {
                  ...evt,
                  index: obj.envelopes
                }
              }

              obj.envelopes++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.cursor`,
                value: reader.uint64()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.prekey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.prekeysRemaining`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield * MailboxResponse.MailboxStatus.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            case 10: {
              yield {
                field: `${prefix}.push`,
                value: reader.bool()
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

  export interface MailboxResponseCodeFieldEvent {
    field: '$.code'
    value: MailboxResponse.Code
  }

  export interface MailboxResponseMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface MailboxResponseDuplicateFieldEvent {
    field: '$.duplicate'
    value: boolean
  }

  export interface MailboxResponseEnvelopesIdFieldEvent {
    field: '$.envelopes[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesEnvelopeFieldEvent {
    field: '$.envelopes[].envelope'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface MailboxResponseEnvelopesSeqFieldEvent {
    field: '$.envelopes[].seq'
    value: bigint
    index: number
  }

  export interface MailboxResponseCursorFieldEvent {
    field: '$.cursor'
    value: bigint
  }

  export interface MailboxResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface MailboxResponsePrekeyFieldEvent {
    field: '$.prekey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxResponsePrekeysRemainingFieldEvent {
    field: '$.prekeysRemaining'
    value: number
  }

  export interface MailboxResponseStatusCountFieldEvent {
    field: '$.status.count'
    value: number
  }

  export interface MailboxResponseStatusBytesFieldEvent {
    field: '$.status.bytes'
    value: bigint
  }

  export interface MailboxResponseStatusMaxCountFieldEvent {
    field: '$.status.maxCount'
    value: number
  }

  export interface MailboxResponseStatusMaxBytesFieldEvent {
    field: '$.status.maxBytes'
    value: bigint
  }

  export interface MailboxResponseStatusFirstContactCountFieldEvent {
    field: '$.status.firstContactCount'
    value: number
  }

  export interface MailboxResponseStatusFirstContactBytesFieldEvent {
    field: '$.status.firstContactBytes'
    value: bigint
  }

  export interface MailboxResponseStatusPrekeysRemainingFieldEvent {
    field: '$.status.prekeysRemaining'
    value: number
  }

  export interface MailboxResponseStatusFirstContactOpenFieldEvent {
    field: '$.status.firstContactOpen'
    value: boolean
  }

  export interface MailboxResponseStatusCapabilitiesFieldEvent {
    field: '$.status.capabilities'
    value: number
  }

  export interface MailboxResponsePushFieldEvent {
    field: '$.push'
    value: boolean
  }

  export function encode (obj: Partial<MailboxResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): MailboxResponse {
    return decodeMessage(buf, MailboxResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxResponse>): Generator<MailboxResponseCodeFieldEvent | MailboxResponseMessageFieldEvent | MailboxResponseDuplicateFieldEvent | MailboxResponseEnvelopesIdFieldEvent | MailboxResponseEnvelopesEnvelopeFieldEvent | MailboxResponseEnvelopesSeqFieldEvent | MailboxResponseCursorFieldEvent | MailboxResponseMoreFieldEvent | MailboxResponsePrekeyFieldEvent | MailboxResponsePrekeysRemainingFieldEvent | MailboxResponseStatusCountFieldEvent | MailboxResponseStatusBytesFieldEvent | MailboxResponseStatusMaxCountFieldEvent | MailboxResponseStatusMaxBytesFieldEvent | MailboxResponseStatusFirstContactCountFieldEvent | MailboxResponseStatusFirstContactBytesFieldEvent | MailboxResponseStatusPrekeysRemainingFieldEvent | MailboxResponseStatusFirstContactOpenFieldEvent | MailboxResponseStatusCapabilitiesFieldEvent | MailboxResponsePushFieldEvent> {
    return streamMessage(buf, MailboxResponse.codec(), opts)
  }
}
