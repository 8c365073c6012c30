import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Profile {
  displayName?: string
  createdAt: number
}

export namespace Profile {
  let _codec: Codec<Profile>

  export const codec = (): Codec<Profile> => {
    if (_codec == null) {
      _codec = message<Profile>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.displayName != null) {
          w.uint32(10)
          w.string(obj.displayName)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          createdAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.displayName = reader.string()
              break
            }
            case 2: {
              obj.createdAt = reader.uint64Number()
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
                field: `${prefix}.displayName`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
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

  export interface ProfileDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface ProfileCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export function encode (obj: Partial<Profile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Profile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Profile {
    return decodeMessage(buf, Profile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Generator<ProfileDisplayNameFieldEvent | ProfileCreatedAtFieldEvent> {
    return streamMessage(buf, Profile.codec(), opts)
  }
}

export interface Prekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  privateKey: Uint8Array<ArrayBuffer>
  signature?: Uint8Array<ArrayBuffer>
  createdAt: number
  issuedAt?: number
}

export namespace Prekey {
  let _codec: Codec<Prekey>

  export const codec = (): Codec<Prekey> => {
    if (_codec == null) {
      _codec = message<Prekey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.privateKey != null && obj.privateKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.privateKey)
        }

        if (obj.signature != null) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.createdAt)
        }

        if (obj.issuedAt != null) {
          w.uint32(48)
          w.uint64Number(obj.issuedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          privateKey: uint8ArrayAlloc(0),
          createdAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.privateKey = reader.bytes()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            case 5: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.issuedAt = reader.uint64Number()
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
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.privateKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.issuedAt`,
                value: reader.uint64Number()
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

  export interface PrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface PrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyPrivateKeyFieldEvent {
    field: '$.privateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PrekeyCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface PrekeyIssuedAtFieldEvent {
    field: '$.issuedAt'
    value: number
  }

  export function encode (obj: Partial<Prekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Prekey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Prekey>): Prekey {
    return decodeMessage(buf, Prekey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Prekey>): Generator<PrekeyIdFieldEvent | PrekeyPublicKeyFieldEvent | PrekeyPrivateKeyFieldEvent | PrekeySignatureFieldEvent | PrekeyCreatedAtFieldEvent | PrekeyIssuedAtFieldEvent> {
    return streamMessage(buf, Prekey.codec(), opts)
  }
}

export interface LastResortBaseKey {
  kemPrekeyId: number
  signedPrekeyId: number
  baseKey: Uint8Array<ArrayBuffer>
  usedAt: number
}

export namespace LastResortBaseKey {
  let _codec: Codec<LastResortBaseKey>

  export const codec = (): Codec<LastResortBaseKey> => {
    if (_codec == null) {
      _codec = message<LastResortBaseKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kemPrekeyId != null && obj.kemPrekeyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.kemPrekeyId)
        }

        if ((obj.signedPrekeyId != null && obj.signedPrekeyId !== 0)) {
          w.uint32(16)
          w.uint32(obj.signedPrekeyId)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.baseKey)
        }

        if ((obj.usedAt != null && obj.usedAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.usedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kemPrekeyId: 0,
          signedPrekeyId: 0,
          baseKey: uint8ArrayAlloc(0),
          usedAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kemPrekeyId = reader.uint32()
              break
            }
            case 2: {
              obj.signedPrekeyId = reader.uint32()
              break
            }
            case 3: {
              obj.baseKey = reader.bytes()
              break
            }
            case 4: {
              obj.usedAt = reader.uint64Number()
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
                field: `${prefix}.kemPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signedPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.usedAt`,
                value: reader.uint64Number()
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

  export interface LastResortBaseKeyKemPrekeyIdFieldEvent {
    field: '$.kemPrekeyId'
    value: number
  }

  export interface LastResortBaseKeySignedPrekeyIdFieldEvent {
    field: '$.signedPrekeyId'
    value: number
  }

  export interface LastResortBaseKeyBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LastResortBaseKeyUsedAtFieldEvent {
    field: '$.usedAt'
    value: number
  }

  export function encode (obj: Partial<LastResortBaseKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LastResortBaseKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LastResortBaseKey>): LastResortBaseKey {
    return decodeMessage(buf, LastResortBaseKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LastResortBaseKey>): Generator<LastResortBaseKeyKemPrekeyIdFieldEvent | LastResortBaseKeySignedPrekeyIdFieldEvent | LastResortBaseKeyBaseKeyFieldEvent | LastResortBaseKeyUsedAtFieldEvent> {
    return streamMessage(buf, LastResortBaseKey.codec(), opts)
  }
}

export interface Contact {
  peerId: string
  name: string
  verified: boolean
  addedAt: number
  verifiedAt?: number
  updatedAt?: number
}

export namespace Contact {
  let _codec: Codec<Contact>

  export const codec = (): Codec<Contact> => {
    if (_codec == null) {
      _codec = message<Contact>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.verified != null && obj.verified !== false)) {
          w.uint32(24)
          w.bool(obj.verified)
        }

        if ((obj.addedAt != null && obj.addedAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.addedAt)
        }

        if (obj.verifiedAt != null) {
          w.uint32(40)
          w.uint64Number(obj.verifiedAt)
        }

        if (obj.updatedAt != null) {
          w.uint32(48)
          w.uint64Number(obj.updatedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          name: '',
          verified: false,
          addedAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.verified = reader.bool()
              break
            }
            case 4: {
              obj.addedAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.verifiedAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.updatedAt = reader.uint64Number()
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
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.verified`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.addedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.verifiedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.updatedAt`,
                value: reader.uint64Number()
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

  export interface ContactPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface ContactNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ContactVerifiedFieldEvent {
    field: '$.verified'
    value: boolean
  }

  export interface ContactAddedAtFieldEvent {
    field: '$.addedAt'
    value: number
  }

  export interface ContactVerifiedAtFieldEvent {
    field: '$.verifiedAt'
    value: number
  }

  export interface ContactUpdatedAtFieldEvent {
    field: '$.updatedAt'
    value: number
  }

  export function encode (obj: Partial<Contact>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Contact.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contact>): Contact {
    return decodeMessage(buf, Contact.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Contact>): Generator<ContactPeerIdFieldEvent | ContactNameFieldEvent | ContactVerifiedFieldEvent | ContactAddedAtFieldEvent | ContactVerifiedAtFieldEvent | ContactUpdatedAtFieldEvent> {
    return streamMessage(buf, Contact.codec(), opts)
  }
}

export interface History {
  peerId: string
  seq: number
  id: string
  direction: History.Direction
  text: string
  sentAt: number
  receivedAt?: number
  state: History.State
  reason?: string
  relay?: string
  outNumber?: number
  relays: History.RelayLine[]
  updatedAt?: number
}

export namespace History {
  export enum Direction {
    IN = 'IN',
    OUT = 'OUT',
    EVENT = 'EVENT'
  }

  enum __DirectionValues {
    IN = 0,
    OUT = 1,
    EVENT = 2
  }

  export namespace Direction {
    export const codec = (): Codec<Direction> => {
      return enumeration<Direction>(__DirectionValues)
    }
  }

  export enum State {
    QUEUED = 'QUEUED',
    SENT = 'SENT',
    STORED = 'STORED',
    DELIVERED = 'DELIVERED',
    READ = 'READ',
    EXPIRED = 'EXPIRED',
    FAILED = 'FAILED',
    RECEIVED = 'RECEIVED'
  }

  enum __StateValues {
    QUEUED = 0,
    SENT = 1,
    STORED = 2,
    DELIVERED = 3,
    READ = 4,
    EXPIRED = 5,
    FAILED = 6,
    RECEIVED = 7
  }

  export namespace State {
    export const codec = (): Codec<State> => {
      return enumeration<State>(__StateValues)
    }
  }

  export interface RelayLine {
    relay: string
    status: History.RelayLine.Status
    reason?: string
  }

  export namespace RelayLine {
    export enum Status {
      STORED = 'STORED',
      REFUSED = 'REFUSED'
    }

    enum __StatusValues {
      STORED = 0,
      REFUSED = 1
    }

    export namespace Status {
      export const codec = (): Codec<Status> => {
        return enumeration<Status>(__StatusValues)
      }
    }

    let _codec: Codec<RelayLine>

    export const codec = (): Codec<RelayLine> => {
      if (_codec == null) {
        _codec = message<RelayLine>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.relay != null && obj.relay !== '')) {
            w.uint32(10)
            w.string(obj.relay)
          }

          if (obj.status != null && __StatusValues[obj.status] !== 0) {
            w.uint32(16)
            History.RelayLine.Status.codec().encode(obj.status, w)
          }

          if (obj.reason != null) {
            w.uint32(26)
            w.string(obj.reason)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            relay: '',
            status: Status.STORED
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.relay = reader.string()
                break
              }
              case 2: {
                obj.status = History.RelayLine.Status.codec().decode(reader)
                break
              }
              case 3: {
                obj.reason = reader.string()
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
                  field: `${prefix}.relay`,
                  value: reader.string()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.status`,
                  value: History.RelayLine.Status.codec().decode(reader)
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.reason`,
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

    export interface RelayLineRelayFieldEvent {
      field: '$.relay'
      value: string
    }

    export interface RelayLineStatusFieldEvent {
      field: '$.status'
      value: History.RelayLine.Status
    }

    export interface RelayLineReasonFieldEvent {
      field: '$.reason'
      value: string
    }

    export function encode (obj: Partial<RelayLine>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, RelayLine.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayLine>): RelayLine {
      return decodeMessage(buf, RelayLine.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayLine>): Generator<RelayLineRelayFieldEvent | RelayLineStatusFieldEvent | RelayLineReasonFieldEvent> {
      return streamMessage(buf, RelayLine.codec(), opts)
    }
  }

  export interface StateChange {
    state: History.State
    updatedAt: number
    reason?: string
  }

  export namespace StateChange {
    let _codec: Codec<StateChange>

    export const codec = (): Codec<StateChange> => {
      if (_codec == null) {
        _codec = message<StateChange>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.state != null && __StateValues[obj.state] !== 0) {
            w.uint32(8)
            History.State.codec().encode(obj.state, w)
          }

          if ((obj.updatedAt != null && obj.updatedAt !== 0)) {
            w.uint32(16)
            w.uint64Number(obj.updatedAt)
          }

          if (obj.reason != null) {
            w.uint32(26)
            w.string(obj.reason)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            state: State.QUEUED,
            updatedAt: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.state = History.State.codec().decode(reader)
                break
              }
              case 2: {
                obj.updatedAt = reader.uint64Number()
                break
              }
              case 3: {
                obj.reason = reader.string()
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
                  field: `${prefix}.state`,
                  value: History.State.codec().decode(reader)
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.updatedAt`,
                  value: reader.uint64Number()
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.reason`,
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

    export interface StateChangeStateFieldEvent {
      field: '$.state'
      value: History.State
    }

    export interface StateChangeUpdatedAtFieldEvent {
      field: '$.updatedAt'
      value: number
    }

    export interface StateChangeReasonFieldEvent {
      field: '$.reason'
      value: string
    }

    export function encode (obj: Partial<StateChange>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, StateChange.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StateChange>): StateChange {
      return decodeMessage(buf, StateChange.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StateChange>): Generator<StateChangeStateFieldEvent | StateChangeUpdatedAtFieldEvent | StateChangeReasonFieldEvent> {
      return streamMessage(buf, StateChange.codec(), opts)
    }
  }

  let _codec: Codec<History>

  export const codec = (): Codec<History> => {
    if (_codec == null) {
      _codec = message<History>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(26)
          w.string(obj.id)
        }

        if (obj.direction != null && __DirectionValues[obj.direction] !== 0) {
          w.uint32(32)
          History.Direction.codec().encode(obj.direction, w)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(42)
          w.string(obj.text)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.sentAt)
        }

        if (obj.receivedAt != null) {
          w.uint32(56)
          w.uint64Number(obj.receivedAt)
        }

        if (obj.state != null && __StateValues[obj.state] !== 0) {
          w.uint32(64)
          History.State.codec().encode(obj.state, w)
        }

        if (obj.reason != null) {
          w.uint32(74)
          w.string(obj.reason)
        }

        if (obj.relay != null) {
          w.uint32(82)
          w.string(obj.relay)
        }

        if (obj.outNumber != null) {
          w.uint32(88)
          w.uint64Number(obj.outNumber)
        }

        if (obj.relays != null && obj.relays.length > 0) {
          for (const value of obj.relays) {
            w.uint32(98)
            History.RelayLine.codec().encode(value, w)
          }
        }

        if (obj.updatedAt != null) {
          w.uint32(104)
          w.uint64Number(obj.updatedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          seq: 0,
          id: '',
          direction: Direction.IN,
          text: '',
          sentAt: 0,
          state: State.QUEUED,
          relays: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.id = reader.string()
              break
            }
            case 4: {
              obj.direction = History.Direction.codec().decode(reader)
              break
            }
            case 5: {
              obj.text = reader.string()
              break
            }
            case 6: {
              obj.sentAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.receivedAt = reader.uint64Number()
              break
            }
            case 8: {
              obj.state = History.State.codec().decode(reader)
              break
            }
            case 9: {
              obj.reason = reader.string()
              break
            }
            case 10: {
              obj.relay = reader.string()
              break
            }
            case 11: {
              obj.outNumber = reader.uint64Number()
              break
            }
            case 12: {
              if (opts.limits?.relays != null && obj.relays.length === opts.limits.relays) {
                throw new MaxLengthError('Decode error - repeated field "relays" had too many elements')
              }

              obj.relays.push(History.RelayLine.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.relays$
              }))
              break
            }
            case 13: {
              obj.updatedAt = reader.uint64Number()
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
          relays: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.id`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.direction`,
                value: History.Direction.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.receivedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.state`,
                value: History.State.codec().decode(reader)
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.reason`,
                value: reader.string()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.relay`,
                value: reader.string()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.outNumber`,
                value: reader.uint64Number()
              }
              break
            }
            case 12: {
              if (opts.limits?.relays != null && obj.relays === opts.limits.relays) {
                throw new MaxLengthError('Streaming decode error - repeated field "relays" had too many elements')
              }

              for (const evt of History.RelayLine.codec().stream(reader, reader.uint32(), `${prefix}.relays[]`, {
                limits: opts.limits?.relays$
              })) {
                yield {
                  ...evt,
                  index: obj.relays
                }
              }

              obj.relays++

              break
            }
            case 13: {
              yield {
                field: `${prefix}.updatedAt`,
                value: reader.uint64Number()
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

  export interface HistoryPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface HistorySeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface HistoryIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface HistoryDirectionFieldEvent {
    field: '$.direction'
    value: History.Direction
  }

  export interface HistoryTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface HistorySentAtFieldEvent {
    field: '$.sentAt'
    value: number
  }

  export interface HistoryReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: number
  }

  export interface HistoryStateFieldEvent {
    field: '$.state'
    value: History.State
  }

  export interface HistoryReasonFieldEvent {
    field: '$.reason'
    value: string
  }

  export interface HistoryRelayFieldEvent {
    field: '$.relay'
    value: string
  }

  export interface HistoryOutNumberFieldEvent {
    field: '$.outNumber'
    value: number
  }

  export interface HistoryRelaysRelayFieldEvent {
    field: '$.relays[].relay'
    value: string
    index: number
  }

  export interface HistoryRelaysStatusFieldEvent {
    field: '$.relays[].status'
    value: History.RelayLine.Status
    index: number
  }

  export interface HistoryRelaysReasonFieldEvent {
    field: '$.relays[].reason'
    value: string
    index: number
  }

  export interface HistoryUpdatedAtFieldEvent {
    field: '$.updatedAt'
    value: number
  }

  export function encode (obj: Partial<History>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, History.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<History>): History {
    return decodeMessage(buf, History.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<History>): Generator<HistoryPeerIdFieldEvent | HistorySeqFieldEvent | HistoryIdFieldEvent | HistoryDirectionFieldEvent | HistoryTextFieldEvent | HistorySentAtFieldEvent | HistoryReceivedAtFieldEvent | HistoryStateFieldEvent | HistoryReasonFieldEvent | HistoryRelayFieldEvent | HistoryOutNumberFieldEvent | HistoryRelaysRelayFieldEvent | HistoryRelaysStatusFieldEvent | HistoryRelaysReasonFieldEvent | HistoryUpdatedAtFieldEvent> {
    return streamMessage(buf, History.codec(), opts)
  }
}

export interface Position {
  seq: number
}

export namespace Position {
  let _codec: Codec<Position>

  export const codec = (): Codec<Position> => {
    if (_codec == null) {
      _codec = message<Position>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.seq)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          seq: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.seq = reader.uint64Number()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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

  export interface PositionSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export function encode (obj: Partial<Position>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Position.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Position>): Position {
    return decodeMessage(buf, Position.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Position>): Generator<PositionSeqFieldEvent> {
    return streamMessage(buf, Position.codec(), opts)
  }
}

export interface SeenAt {
  firstSeenAt: number
}

export namespace SeenAt {
  let _codec: Codec<SeenAt>

  export const codec = (): Codec<SeenAt> => {
    if (_codec == null) {
      _codec = message<SeenAt>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.firstSeenAt != null && obj.firstSeenAt !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.firstSeenAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          firstSeenAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.firstSeenAt = reader.uint64Number()
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
                field: `${prefix}.firstSeenAt`,
                value: reader.uint64Number()
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

  export interface SeenAtFirstSeenAtFieldEvent {
    field: '$.firstSeenAt'
    value: number
  }

  export function encode (obj: Partial<SeenAt>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SeenAt.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeenAt>): SeenAt {
    return decodeMessage(buf, SeenAt.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SeenAt>): Generator<SeenAtFirstSeenAtFieldEvent> {
    return streamMessage(buf, SeenAt.codec(), opts)
  }
}

export interface Conversation {
  peerId: string
  lastSeq: number
  unread: number
  readSeq: number
  lastMessageAt: number
}

export namespace Conversation {
  let _codec: Codec<Conversation>

  export const codec = (): Codec<Conversation> => {
    if (_codec == null) {
      _codec = message<Conversation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(10)
          w.string(obj.peerId)
        }

        if ((obj.lastSeq != null && obj.lastSeq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.lastSeq)
        }

        if ((obj.unread != null && obj.unread !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.unread)
        }

        if ((obj.readSeq != null && obj.readSeq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.readSeq)
        }

        if ((obj.lastMessageAt != null && obj.lastMessageAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.lastMessageAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: '',
          lastSeq: 0,
          unread: 0,
          readSeq: 0,
          lastMessageAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.string()
              break
            }
            case 2: {
              obj.lastSeq = reader.uint64Number()
              break
            }
            case 3: {
              obj.unread = reader.uint64Number()
              break
            }
            case 4: {
              obj.readSeq = reader.uint64Number()
              break
            }
            case 5: {
              obj.lastMessageAt = reader.uint64Number()
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
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.lastSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.unread`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.readSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.lastMessageAt`,
                value: reader.uint64Number()
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

  export interface ConversationPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface ConversationLastSeqFieldEvent {
    field: '$.lastSeq'
    value: number
  }

  export interface ConversationUnreadFieldEvent {
    field: '$.unread'
    value: number
  }

  export interface ConversationReadSeqFieldEvent {
    field: '$.readSeq'
    value: number
  }

  export interface ConversationLastMessageAtFieldEvent {
    field: '$.lastMessageAt'
    value: number
  }

  export function encode (obj: Partial<Conversation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Conversation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Conversation>): Conversation {
    return decodeMessage(buf, Conversation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Conversation>): Generator<ConversationPeerIdFieldEvent | ConversationLastSeqFieldEvent | ConversationUnreadFieldEvent | ConversationReadSeqFieldEvent | ConversationLastMessageAtFieldEvent> {
    return streamMessage(buf, Conversation.codec(), opts)
  }
}

export interface Outbox {
  messageId: string
  peerId: string
  seq: number
  envelope: Uint8Array<ArrayBuffer>
  attempts: number
  nextAttemptAt: number
  expiresAt: number
  storedAt?: number
}

export namespace Outbox {
  let _codec: Codec<Outbox>

  export const codec = (): Codec<Outbox> => {
    if (_codec == null) {
      _codec = message<Outbox>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.messageId != null && obj.messageId !== '')) {
          w.uint32(10)
          w.string(obj.messageId)
        }

        if ((obj.peerId != null && obj.peerId !== '')) {
          w.uint32(18)
          w.string(obj.peerId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seq)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.envelope)
        }

        if ((obj.attempts != null && obj.attempts !== 0)) {
          w.uint32(40)
          w.uint32(obj.attempts)
        }

        if ((obj.nextAttemptAt != null && obj.nextAttemptAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.nextAttemptAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.expiresAt)
        }

        if (obj.storedAt != null) {
          w.uint32(64)
          w.uint64Number(obj.storedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          messageId: '',
          peerId: '',
          seq: 0,
          envelope: uint8ArrayAlloc(0),
          attempts: 0,
          nextAttemptAt: 0,
          expiresAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.messageId = reader.string()
              break
            }
            case 2: {
              obj.peerId = reader.string()
              break
            }
            case 3: {
              obj.seq = reader.uint64Number()
              break
            }
            case 4: {
              obj.envelope = reader.bytes()
              break
            }
            case 5: {
              obj.attempts = reader.uint32()
              break
            }
            case 6: {
              obj.nextAttemptAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 8: {
              obj.storedAt = reader.uint64Number()
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
                field: `${prefix}.messageId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.attempts`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.nextAttemptAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.storedAt`,
                value: reader.uint64Number()
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

  export interface OutboxMessageIdFieldEvent {
    field: '$.messageId'
    value: string
  }

  export interface OutboxPeerIdFieldEvent {
    field: '$.peerId'
    value: string
  }

  export interface OutboxSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface OutboxEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface OutboxAttemptsFieldEvent {
    field: '$.attempts'
    value: number
  }

  export interface OutboxNextAttemptAtFieldEvent {
    field: '$.nextAttemptAt'
    value: number
  }

  export interface OutboxExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface OutboxStoredAtFieldEvent {
    field: '$.storedAt'
    value: number
  }

  export function encode (obj: Partial<Outbox>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Outbox.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Outbox>): Outbox {
    return decodeMessage(buf, Outbox.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Outbox>): Generator<OutboxMessageIdFieldEvent | OutboxPeerIdFieldEvent | OutboxSeqFieldEvent | OutboxEnvelopeFieldEvent | OutboxAttemptsFieldEvent | OutboxNextAttemptAtFieldEvent | OutboxExpiresAtFieldEvent | OutboxStoredAtFieldEvent> {
    return streamMessage(buf, Outbox.codec(), opts)
  }
}

export interface Added {
  addedAt: number
}

export namespace Added {
  let _codec: Codec<Added>

  export const codec = (): Codec<Added> => {
    if (_codec == null) {
      _codec = message<Added>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.addedAt != null && obj.addedAt !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.addedAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          addedAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.addedAt = reader.uint64Number()
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
                field: `${prefix}.addedAt`,
                value: reader.uint64Number()
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

  export interface AddedAddedAtFieldEvent {
    field: '$.addedAt'
    value: number
  }

  export function encode (obj: Partial<Added>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Added.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Added>): Added {
    return decodeMessage(buf, Added.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Added>): Generator<AddedAddedAtFieldEvent> {
    return streamMessage(buf, Added.codec(), opts)
  }
}

export interface RelayMailbox {
  owner: string
  createdAt: number
  firstContactOpen: boolean
  nextSeq: number
  count: number
  bytes: number
  firstContactCount: number
  firstContactBytes: number
  number: number
}

export namespace RelayMailbox {
  let _codec: Codec<RelayMailbox>

  export const codec = (): Codec<RelayMailbox> => {
    if (_codec == null) {
      _codec = message<RelayMailbox>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.owner != null && obj.owner !== '')) {
          w.uint32(10)
          w.string(obj.owner)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.firstContactOpen != null && obj.firstContactOpen !== false)) {
          w.uint32(24)
          w.bool(obj.firstContactOpen)
        }

        if ((obj.nextSeq != null && obj.nextSeq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.nextSeq)
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.count)
        }

        if ((obj.bytes != null && obj.bytes !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.bytes)
        }

        if ((obj.firstContactCount != null && obj.firstContactCount !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.firstContactCount)
        }

        if ((obj.firstContactBytes != null && obj.firstContactBytes !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.firstContactBytes)
        }

        if ((obj.number != null && obj.number !== 0)) {
          w.uint32(72)
          w.uint32(obj.number)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          owner: '',
          createdAt: 0,
          firstContactOpen: false,
          nextSeq: 0,
          count: 0,
          bytes: 0,
          firstContactCount: 0,
          firstContactBytes: 0,
          number: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.owner = reader.string()
              break
            }
            case 2: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 3: {
              obj.firstContactOpen = reader.bool()
              break
            }
            case 4: {
              obj.nextSeq = reader.uint64Number()
              break
            }
            case 5: {
              obj.count = reader.uint64Number()
              break
            }
            case 6: {
              obj.bytes = reader.uint64Number()
              break
            }
            case 7: {
              obj.firstContactCount = reader.uint64Number()
              break
            }
            case 8: {
              obj.firstContactBytes = reader.uint64Number()
              break
            }
            case 9: {
              obj.number = reader.uint32()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.firstContactOpen`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nextSeq`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.bytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.firstContactCount`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.firstContactBytes`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.number`,
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

  export interface RelayMailboxOwnerFieldEvent {
    field: '$.owner'
    value: string
  }

  export interface RelayMailboxCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface RelayMailboxFirstContactOpenFieldEvent {
    field: '$.firstContactOpen'
    value: boolean
  }

  export interface RelayMailboxNextSeqFieldEvent {
    field: '$.nextSeq'
    value: number
  }

  export interface RelayMailboxCountFieldEvent {
    field: '$.count'
    value: number
  }

  export interface RelayMailboxBytesFieldEvent {
    field: '$.bytes'
    value: number
  }

  export interface RelayMailboxFirstContactCountFieldEvent {
    field: '$.firstContactCount'
    value: number
  }

  export interface RelayMailboxFirstContactBytesFieldEvent {
    field: '$.firstContactBytes'
    value: number
  }

  export interface RelayMailboxNumberFieldEvent {
    field: '$.number'
    value: number
  }

  export function encode (obj: Partial<RelayMailbox>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayMailbox.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayMailbox>): RelayMailbox {
    return decodeMessage(buf, RelayMailbox.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayMailbox>): Generator<RelayMailboxOwnerFieldEvent | RelayMailboxCreatedAtFieldEvent | RelayMailboxFirstContactOpenFieldEvent | RelayMailboxNextSeqFieldEvent | RelayMailboxCountFieldEvent | RelayMailboxBytesFieldEvent | RelayMailboxFirstContactCountFieldEvent | RelayMailboxFirstContactBytesFieldEvent | RelayMailboxNumberFieldEvent> {
    return streamMessage(buf, RelayMailbox.codec(), opts)
  }
}

export enum Door {
  CONTACT = 'CONTACT',
  FIRST = 'FIRST',
  TRUSTED = 'TRUSTED'
}

enum __DoorValues {
  CONTACT = 0,
  FIRST = 1,
  TRUSTED = 2
}

export namespace Door {
  export const codec = (): Codec<Door> => {
    return enumeration<Door>(__DoorValues)
  }
}

export interface RelayEnvelope {
  id: Uint8Array<ArrayBuffer>
  seq: number
  envelope: Uint8Array<ArrayBuffer>
  door: Door
  storedAt: number
  expiresAt: number
}

export namespace RelayEnvelope {
  let _codec: Codec<RelayEnvelope>

  export const codec = (): Codec<RelayEnvelope> => {
    if (_codec == null) {
      _codec = message<RelayEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.envelope)
        }

        if (obj.door != null && __DoorValues[obj.door] !== 0) {
          w.uint32(32)
          Door.codec().encode(obj.door, w)
        }

        if ((obj.storedAt != null && obj.storedAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.storedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          seq: 0,
          envelope: uint8ArrayAlloc(0),
          door: Door.CONTACT,
          storedAt: 0,
          expiresAt: 0
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
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.envelope = reader.bytes()
              break
            }
            case 4: {
              obj.door = Door.codec().decode(reader)
              break
            }
            case 5: {
              obj.storedAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.expiresAt = reader.uint64Number()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.door`,
                value: Door.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.storedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
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

  export interface RelayEnvelopeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayEnvelopeSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface RelayEnvelopeEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayEnvelopeDoorFieldEvent {
    field: '$.door'
    value: Door
  }

  export interface RelayEnvelopeStoredAtFieldEvent {
    field: '$.storedAt'
    value: number
  }

  export interface RelayEnvelopeExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<RelayEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayEnvelope>): RelayEnvelope {
    return decodeMessage(buf, RelayEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayEnvelope>): Generator<RelayEnvelopeIdFieldEvent | RelayEnvelopeSeqFieldEvent | RelayEnvelopeEnvelopeFieldEvent | RelayEnvelopeDoorFieldEvent | RelayEnvelopeStoredAtFieldEvent | RelayEnvelopeExpiresAtFieldEvent> {
    return streamMessage(buf, RelayEnvelope.codec(), opts)
  }
}

export interface RelayForward {
  id: Uint8Array<ArrayBuffer>
  seq: number
  recipient: string
  envelope: Uint8Array<ArrayBuffer>
  depositor: string
  storedAt: number
  expiresAt: number
}

export namespace RelayForward {
  let _codec: Codec<RelayForward>

  export const codec = (): Codec<RelayForward> => {
    if (_codec == null) {
      _codec = message<RelayForward>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.recipient != null && obj.recipient !== '')) {
          w.uint32(26)
          w.string(obj.recipient)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.envelope)
        }

        if ((obj.depositor != null && obj.depositor !== '')) {
          w.uint32(42)
          w.string(obj.depositor)
        }

        if ((obj.storedAt != null && obj.storedAt !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.storedAt)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          seq: 0,
          recipient: '',
          envelope: uint8ArrayAlloc(0),
          depositor: '',
          storedAt: 0,
          expiresAt: 0
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
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.recipient = reader.string()
              break
            }
            case 4: {
              obj.envelope = reader.bytes()
              break
            }
            case 5: {
              obj.depositor = reader.string()
              break
            }
            case 6: {
              obj.storedAt = reader.uint64Number()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64Number()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.recipient`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.depositor`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.storedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
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

  export interface RelayForwardIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayForwardSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface RelayForwardRecipientFieldEvent {
    field: '$.recipient'
    value: string
  }

  export interface RelayForwardEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RelayForwardDepositorFieldEvent {
    field: '$.depositor'
    value: string
  }

  export interface RelayForwardStoredAtFieldEvent {
    field: '$.storedAt'
    value: number
  }

  export interface RelayForwardExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<RelayForward>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RelayForward.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayForward>): RelayForward {
    return decodeMessage(buf, RelayForward.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RelayForward>): Generator<RelayForwardIdFieldEvent | RelayForwardSeqFieldEvent | RelayForwardRecipientFieldEvent | RelayForwardEnvelopeFieldEvent | RelayForwardDepositorFieldEvent | RelayForwardStoredAtFieldEvent | RelayForwardExpiresAtFieldEvent> {
    return streamMessage(buf, RelayForward.codec(), opts)
  }
}

export interface BackupHeader {
  kdf: string
  n: number
  r: number
  p: number
  salt: Uint8Array<ArrayBuffer>
  keyNonce: Uint8Array<ArrayBuffer>
  wrappedKey: Uint8Array<ArrayBuffer>
  payloadNonce: Uint8Array<ArrayBuffer>
}

export namespace BackupHeader {
  let _codec: Codec<BackupHeader>

  export const codec = (): Codec<BackupHeader> => {
    if (_codec == null) {
      _codec = message<BackupHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.kdf != null && obj.kdf !== '')) {
          w.uint32(10)
          w.string(obj.kdf)
        }

        if ((obj.n != null && obj.n !== 0)) {
          w.uint32(16)
          w.uint32(obj.n)
        }

        if ((obj.r != null && obj.r !== 0)) {
          w.uint32(24)
          w.uint32(obj.r)
        }

        if ((obj.p != null && obj.p !== 0)) {
          w.uint32(32)
          w.uint32(obj.p)
        }

        if ((obj.salt != null && obj.salt.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.salt)
        }

        if ((obj.keyNonce != null && obj.keyNonce.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.keyNonce)
        }

        if ((obj.wrappedKey != null && obj.wrappedKey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.wrappedKey)
        }

        if ((obj.payloadNonce != null && obj.payloadNonce.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.payloadNonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kdf: '',
          n: 0,
          r: 0,
          p: 0,
          salt: uint8ArrayAlloc(0),
          keyNonce: uint8ArrayAlloc(0),
          wrappedKey: uint8ArrayAlloc(0),
          payloadNonce: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kdf = reader.string()
              break
            }
            case 2: {
              obj.n = reader.uint32()
              break
            }
            case 3: {
              obj.r = reader.uint32()
              break
            }
            case 4: {
              obj.p = reader.uint32()
              break
            }
            case 5: {
              obj.salt = reader.bytes()
              break
            }
            case 6: {
              obj.keyNonce = reader.bytes()
              break
            }
            case 7: {
              obj.wrappedKey = reader.bytes()
              break
            }
            case 8: {
              obj.payloadNonce = reader.bytes()
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
                field: `${prefix}.kdf`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.n`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.r`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.p`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.salt`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.keyNonce`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.wrappedKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.payloadNonce`,
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

  export interface BackupHeaderKdfFieldEvent {
    field: '$.kdf'
    value: string
  }

  export interface BackupHeaderNFieldEvent {
    field: '$.n'
    value: number
  }

  export interface BackupHeaderRFieldEvent {
    field: '$.r'
    value: number
  }

  export interface BackupHeaderPFieldEvent {
    field: '$.p'
    value: number
  }

  export interface BackupHeaderSaltFieldEvent {
    field: '$.salt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupHeaderKeyNonceFieldEvent {
    field: '$.keyNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupHeaderWrappedKeyFieldEvent {
    field: '$.wrappedKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupHeaderPayloadNonceFieldEvent {
    field: '$.payloadNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BackupHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BackupHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupHeader>): BackupHeader {
    return decodeMessage(buf, BackupHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupHeader>): Generator<BackupHeaderKdfFieldEvent | BackupHeaderNFieldEvent | BackupHeaderRFieldEvent | BackupHeaderPFieldEvent | BackupHeaderSaltFieldEvent | BackupHeaderKeyNonceFieldEvent | BackupHeaderWrappedKeyFieldEvent | BackupHeaderPayloadNonceFieldEvent> {
    return streamMessage(buf, BackupHeader.codec(), opts)
  }
}

export interface BackupSetting {
  key: string
  json: string
}

export namespace BackupSetting {
  let _codec: Codec<BackupSetting>

  export const codec = (): Codec<BackupSetting> => {
    if (_codec == null) {
      _codec = message<BackupSetting>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key !== '')) {
          w.uint32(10)
          w.string(obj.key)
        }

        if ((obj.json != null && obj.json !== '')) {
          w.uint32(18)
          w.string(obj.json)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: '',
          json: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.string()
              break
            }
            case 2: {
              obj.json = reader.string()
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
                field: `${prefix}.key`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.json`,
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

  export interface BackupSettingKeyFieldEvent {
    field: '$.key'
    value: string
  }

  export interface BackupSettingJsonFieldEvent {
    field: '$.json'
    value: string
  }

  export function encode (obj: Partial<BackupSetting>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BackupSetting.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupSetting>): BackupSetting {
    return decodeMessage(buf, BackupSetting.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupSetting>): Generator<BackupSettingKeyFieldEvent | BackupSettingJsonFieldEvent> {
    return streamMessage(buf, BackupSetting.codec(), opts)
  }
}

export interface BackupPayload {
  identitySeed: Uint8Array<ArrayBuffer>
  createdAt: number
  withHistory: boolean
  displayName?: string
  contacts: Uint8Array<ArrayBuffer>[]
  settings: BackupSetting[]
  trustPeers: string[]
  trust: Uint8Array<ArrayBuffer>[]
  signedPrekeys: Uint8Array<ArrayBuffer>[]
  lastResortKemPrekeys: Uint8Array<ArrayBuffer>[]
  oneTimePrekeys: Uint8Array<ArrayBuffer>[]
  oneTimeKemPrekeys: Uint8Array<ArrayBuffer>[]
  lastResortBaseKeys: Uint8Array<ArrayBuffer>[]
  history: Uint8Array<ArrayBuffer>[]
  conversations: Uint8Array<ArrayBuffer>[]
}

export namespace BackupPayload {
  let _codec: Codec<BackupPayload>

  export const codec = (): Codec<BackupPayload> => {
    if (_codec == null) {
      _codec = message<BackupPayload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identitySeed != null && obj.identitySeed.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identitySeed)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.createdAt)
        }

        if ((obj.withHistory != null && obj.withHistory !== false)) {
          w.uint32(24)
          w.bool(obj.withHistory)
        }

        if (obj.displayName != null) {
          w.uint32(34)
          w.string(obj.displayName)
        }

        if (obj.contacts != null && obj.contacts.length > 0) {
          for (const value of obj.contacts) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if (obj.settings != null && obj.settings.length > 0) {
          for (const value of obj.settings) {
            w.uint32(50)
            BackupSetting.codec().encode(value, w)
          }
        }

        if (obj.trustPeers != null && obj.trustPeers.length > 0) {
          for (const value of obj.trustPeers) {
            w.uint32(58)
            w.string(value)
          }
        }

        if (obj.trust != null && obj.trust.length > 0) {
          for (const value of obj.trust) {
            w.uint32(66)
            w.bytes(value)
          }
        }

        if (obj.signedPrekeys != null && obj.signedPrekeys.length > 0) {
          for (const value of obj.signedPrekeys) {
            w.uint32(74)
            w.bytes(value)
          }
        }

        if (obj.lastResortKemPrekeys != null && obj.lastResortKemPrekeys.length > 0) {
          for (const value of obj.lastResortKemPrekeys) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if (obj.oneTimePrekeys != null && obj.oneTimePrekeys.length > 0) {
          for (const value of obj.oneTimePrekeys) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if (obj.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys.length > 0) {
          for (const value of obj.oneTimeKemPrekeys) {
            w.uint32(98)
            w.bytes(value)
          }
        }

        if (obj.lastResortBaseKeys != null && obj.lastResortBaseKeys.length > 0) {
          for (const value of obj.lastResortBaseKeys) {
            w.uint32(106)
            w.bytes(value)
          }
        }

        if (obj.history != null && obj.history.length > 0) {
          for (const value of obj.history) {
            w.uint32(114)
            w.bytes(value)
          }
        }

        if (obj.conversations != null && obj.conversations.length > 0) {
          for (const value of obj.conversations) {
            w.uint32(122)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identitySeed: uint8ArrayAlloc(0),
          createdAt: 0,
          withHistory: false,
          contacts: [],
          settings: [],
          trustPeers: [],
          trust: [],
          signedPrekeys: [],
          lastResortKemPrekeys: [],
          oneTimePrekeys: [],
          oneTimeKemPrekeys: [],
          lastResortBaseKeys: [],
          history: [],
          conversations: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identitySeed = reader.bytes()
              break
            }
            case 2: {
              obj.createdAt = reader.uint64Number()
              break
            }
            case 3: {
              obj.withHistory = reader.bool()
              break
            }
            case 4: {
              obj.displayName = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.contacts != null && obj.contacts.length === opts.limits.contacts) {
                throw new MaxLengthError('Decode error - repeated field "contacts" had too many elements')
              }

              obj.contacts.push(reader.bytes())
              break
            }
            case 6: {
              if (opts.limits?.settings != null && obj.settings.length === opts.limits.settings) {
                throw new MaxLengthError('Decode error - repeated field "settings" had too many elements')
              }

              obj.settings.push(BackupSetting.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.settings$
              }))
              break
            }
            case 7: {
              if (opts.limits?.trustPeers != null && obj.trustPeers.length === opts.limits.trustPeers) {
                throw new MaxLengthError('Decode error - repeated field "trustPeers" had too many elements')
              }

              obj.trustPeers.push(reader.string())
              break
            }
            case 8: {
              if (opts.limits?.trust != null && obj.trust.length === opts.limits.trust) {
                throw new MaxLengthError('Decode error - repeated field "trust" had too many elements')
              }

              obj.trust.push(reader.bytes())
              break
            }
            case 9: {
              if (opts.limits?.signedPrekeys != null && obj.signedPrekeys.length === opts.limits.signedPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "signedPrekeys" had too many elements')
              }

              obj.signedPrekeys.push(reader.bytes())
              break
            }
            case 10: {
              if (opts.limits?.lastResortKemPrekeys != null && obj.lastResortKemPrekeys.length === opts.limits.lastResortKemPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "lastResortKemPrekeys" had too many elements')
              }

              obj.lastResortKemPrekeys.push(reader.bytes())
              break
            }
            case 11: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys.length === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              obj.oneTimePrekeys.push(reader.bytes())
              break
            }
            case 12: {
              if (opts.limits?.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys.length === opts.limits.oneTimeKemPrekeys) {
                throw new MaxLengthError('Decode error - repeated field "oneTimeKemPrekeys" had too many elements')
              }

              obj.oneTimeKemPrekeys.push(reader.bytes())
              break
            }
            case 13: {
              if (opts.limits?.lastResortBaseKeys != null && obj.lastResortBaseKeys.length === opts.limits.lastResortBaseKeys) {
                throw new MaxLengthError('Decode error - repeated field "lastResortBaseKeys" had too many elements')
              }

              obj.lastResortBaseKeys.push(reader.bytes())
              break
            }
            case 14: {
              if (opts.limits?.history != null && obj.history.length === opts.limits.history) {
                throw new MaxLengthError('Decode error - repeated field "history" had too many elements')
              }

              obj.history.push(reader.bytes())
              break
            }
            case 15: {
              if (opts.limits?.conversations != null && obj.conversations.length === opts.limits.conversations) {
                throw new MaxLengthError('Decode error - repeated field "conversations" had too many elements')
              }

              obj.conversations.push(reader.bytes())
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
          contacts: 0,
          settings: 0,
          trustPeers: 0,
          trust: 0,
          signedPrekeys: 0,
          lastResortKemPrekeys: 0,
          oneTimePrekeys: 0,
          oneTimeKemPrekeys: 0,
          lastResortBaseKeys: 0,
          history: 0,
          conversations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.identitySeed`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.withHistory`,
                value: reader.bool()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.displayName`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.contacts != null && obj.contacts === opts.limits.contacts) {
                throw new MaxLengthError('Streaming decode error - repeated field "contacts" had too many elements')
              }

              yield {
                field: `${prefix}.contacts[]`,
                index: obj.contacts,
                value: reader.bytes()
              }

              obj.contacts++

              break
            }
            case 6: {
              if (opts.limits?.settings != null && obj.settings === opts.limits.settings) {
                throw new MaxLengthError('Streaming decode error - repeated field "settings" had too many elements')
              }

              for (const evt of BackupSetting.codec().stream(reader, reader.uint32(), `${prefix}.settings[]`, {
                limits: opts.limits?.settings$
              })) {
                yield {
                  ...evt,
                  index: obj.settings
                }
              }

              obj.settings++

              break
            }
            case 7: {
              if (opts.limits?.trustPeers != null && obj.trustPeers === opts.limits.trustPeers) {
                throw new MaxLengthError('Streaming decode error - repeated field "trustPeers" had too many elements')
              }

              yield {
                field: `${prefix}.trustPeers[]`,
                index: obj.trustPeers,
                value: reader.string()
              }

              obj.trustPeers++

              break
            }
            case 8: {
              if (opts.limits?.trust != null && obj.trust === opts.limits.trust) {
                throw new MaxLengthError('Streaming decode error - repeated field "trust" had too many elements')
              }

              yield {
                field: `${prefix}.trust[]`,
                index: obj.trust,
                value: reader.bytes()
              }

              obj.trust++

              break
            }
            case 9: {
              if (opts.limits?.signedPrekeys != null && obj.signedPrekeys === opts.limits.signedPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "signedPrekeys" had too many elements')
              }

              yield {
                field: `${prefix}.signedPrekeys[]`,
                index: obj.signedPrekeys,
                value: reader.bytes()
              }

              obj.signedPrekeys++

              break
            }
            case 10: {
              if (opts.limits?.lastResortKemPrekeys != null && obj.lastResortKemPrekeys === opts.limits.lastResortKemPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "lastResortKemPrekeys" had too many elements')
              }

              yield {
                field: `${prefix}.lastResortKemPrekeys[]`,
                index: obj.lastResortKemPrekeys,
                value: reader.bytes()
              }

              obj.lastResortKemPrekeys++

              break
            }
            case 11: {
              if (opts.limits?.oneTimePrekeys != null && obj.oneTimePrekeys === opts.limits.oneTimePrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimePrekeys" had too many elements')
              }

              yield {
                field: `${prefix}.oneTimePrekeys[]`,
                index: obj.oneTimePrekeys,
                value: reader.bytes()
              }

              obj.oneTimePrekeys++

              break
            }
            case 12: {
              if (opts.limits?.oneTimeKemPrekeys != null && obj.oneTimeKemPrekeys === opts.limits.oneTimeKemPrekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "oneTimeKemPrekeys" had too many elements')
              }

              yield {
                field: `${prefix}.oneTimeKemPrekeys[]`,
                index: obj.oneTimeKemPrekeys,
                value: reader.bytes()
              }

              obj.oneTimeKemPrekeys++

              break
            }
            case 13: {
              if (opts.limits?.lastResortBaseKeys != null && obj.lastResortBaseKeys === opts.limits.lastResortBaseKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "lastResortBaseKeys" had too many elements')
              }

              yield {
                field: `${prefix}.lastResortBaseKeys[]`,
                index: obj.lastResortBaseKeys,
                value: reader.bytes()
              }

              obj.lastResortBaseKeys++

              break
            }
            case 14: {
              if (opts.limits?.history != null && obj.history === opts.limits.history) {
                throw new MaxLengthError('Streaming decode error - repeated field "history" had too many elements')
              }

              yield {
                field: `${prefix}.history[]`,
                index: obj.history,
                value: reader.bytes()
              }

              obj.history++

              break
            }
            case 15: {
              if (opts.limits?.conversations != null && obj.conversations === opts.limits.conversations) {
                throw new MaxLengthError('Streaming decode error - repeated field "conversations" had too many elements')
              }

              yield {
                field: `${prefix}.conversations[]`,
                index: obj.conversations,
                value: reader.bytes()
              }

              obj.conversations++

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

  export interface BackupPayloadIdentitySeedFieldEvent {
    field: '$.identitySeed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export interface BackupPayloadWithHistoryFieldEvent {
    field: '$.withHistory'
    value: boolean
  }

  export interface BackupPayloadDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface BackupPayloadContactsFieldEvent {
    field: '$.contacts[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadSettingsKeyFieldEvent {
    field: '$.settings[].key'
    value: string
    index: number
  }

  export interface BackupPayloadSettingsJsonFieldEvent {
    field: '$.settings[].json'
    value: string
    index: number
  }

  export interface BackupPayloadTrustPeersFieldEvent {
    field: '$.trustPeers[]'
    index: number
    value: string
  }

  export interface BackupPayloadTrustFieldEvent {
    field: '$.trust[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadSignedPrekeysFieldEvent {
    field: '$.signedPrekeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadLastResortKemPrekeysFieldEvent {
    field: '$.lastResortKemPrekeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadOneTimePrekeysFieldEvent {
    field: '$.oneTimePrekeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadOneTimeKemPrekeysFieldEvent {
    field: '$.oneTimeKemPrekeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadLastResortBaseKeysFieldEvent {
    field: '$.lastResortBaseKeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadHistoryFieldEvent {
    field: '$.history[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface BackupPayloadConversationsFieldEvent {
    field: '$.conversations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<BackupPayload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, BackupPayload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupPayload>): BackupPayload {
    return decodeMessage(buf, BackupPayload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BackupPayload>): Generator<BackupPayloadIdentitySeedFieldEvent | BackupPayloadCreatedAtFieldEvent | BackupPayloadWithHistoryFieldEvent | BackupPayloadDisplayNameFieldEvent | BackupPayloadContactsFieldEvent | BackupPayloadSettingsKeyFieldEvent | BackupPayloadSettingsJsonFieldEvent | BackupPayloadTrustPeersFieldEvent | BackupPayloadTrustFieldEvent | BackupPayloadSignedPrekeysFieldEvent | BackupPayloadLastResortKemPrekeysFieldEvent | BackupPayloadOneTimePrekeysFieldEvent | BackupPayloadOneTimeKemPrekeysFieldEvent | BackupPayloadLastResortBaseKeysFieldEvent | BackupPayloadHistoryFieldEvent | BackupPayloadConversationsFieldEvent> {
    return streamMessage(buf, BackupPayload.codec(), opts)
  }
}
