import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PendingPreKey {
  signedPreKeyId: number
  kemPreKeyId: number
  kemPreKeyKind: PendingPreKey.KemPreKeyKind
  kemCiphertext: Uint8Array<ArrayBuffer>
  oneTimePreKeyId?: number
}

export namespace PendingPreKey {
  export enum KemPreKeyKind {
    KEM_PRE_KEY_KIND_UNSPECIFIED = 'KEM_PRE_KEY_KIND_UNSPECIFIED',
    ONE_TIME = 'ONE_TIME',
    LAST_RESORT = 'LAST_RESORT'
  }

  enum __KemPreKeyKindValues {
    KEM_PRE_KEY_KIND_UNSPECIFIED = 0,
    ONE_TIME = 1,
    LAST_RESORT = 2
  }

  export namespace KemPreKeyKind {
    export const codec = (): Codec<KemPreKeyKind> => {
      return enumeration<KemPreKeyKind>(__KemPreKeyKindValues)
    }
  }

  let _codec: Codec<PendingPreKey>

  export const codec = (): Codec<PendingPreKey> => {
    if (_codec == null) {
      _codec = message<PendingPreKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.signedPreKeyId != null && obj.signedPreKeyId !== 0)) {
          w.uint32(8)
          w.uint32(obj.signedPreKeyId)
        }

        if ((obj.kemPreKeyId != null && obj.kemPreKeyId !== 0)) {
          w.uint32(16)
          w.uint32(obj.kemPreKeyId)
        }

        if (obj.kemPreKeyKind != null && __KemPreKeyKindValues[obj.kemPreKeyKind] !== 0) {
          w.uint32(24)
          PendingPreKey.KemPreKeyKind.codec().encode(obj.kemPreKeyKind, w)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.kemCiphertext)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(40)
          w.uint32(obj.oneTimePreKeyId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          signedPreKeyId: 0,
          kemPreKeyId: 0,
          kemPreKeyKind: KemPreKeyKind.KEM_PRE_KEY_KIND_UNSPECIFIED,
          kemCiphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.signedPreKeyId = reader.uint32()
              break
            }
            case 2: {
              obj.kemPreKeyId = reader.uint32()
              break
            }
            case 3: {
              obj.kemPreKeyKind = PendingPreKey.KemPreKeyKind.codec().decode(reader)
              break
            }
            case 4: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 5: {
              obj.oneTimePreKeyId = reader.uint32()
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
                field: `${prefix}.signedPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.kemPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.kemPreKeyKind`,
                value: PendingPreKey.KemPreKeyKind.codec().decode(reader)
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.oneTimePreKeyId`,
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

  export interface PendingPreKeySignedPreKeyIdFieldEvent {
    field: '$.signedPreKeyId'
    value: number
  }

  export interface PendingPreKeyKemPreKeyIdFieldEvent {
    field: '$.kemPreKeyId'
    value: number
  }

  export interface PendingPreKeyKemPreKeyKindFieldEvent {
    field: '$.kemPreKeyKind'
    value: PendingPreKey.KemPreKeyKind
  }

  export interface PendingPreKeyKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PendingPreKeyOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKeyId'
    value: number
  }

  export function encode (obj: Partial<PendingPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PendingPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKey>): PendingPreKey {
    return decodeMessage(buf, PendingPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKey>): Generator<PendingPreKeySignedPreKeyIdFieldEvent | PendingPreKeyKemPreKeyIdFieldEvent | PendingPreKeyKemPreKeyKindFieldEvent | PendingPreKeyKemCiphertextFieldEvent | PendingPreKeyOneTimePreKeyIdFieldEvent> {
    return streamMessage(buf, PendingPreKey.codec(), opts)
  }
}

export interface StoredSession {
  ratchetState: Uint8Array<ArrayBuffer>
  localIdentityKey: Uint8Array<ArrayBuffer>
  remoteIdentityKey: Uint8Array<ArrayBuffer>
  baseKey: Uint8Array<ArrayBuffer>
  role: StoredSession.Role
  createdAt: bigint
  pendingPreKey?: PendingPreKey
}

export namespace StoredSession {
  export enum Role {
    ROLE_UNSPECIFIED = 'ROLE_UNSPECIFIED',
    INITIATOR = 'INITIATOR',
    RESPONDER = 'RESPONDER'
  }

  enum __RoleValues {
    ROLE_UNSPECIFIED = 0,
    INITIATOR = 1,
    RESPONDER = 2
  }

  export namespace Role {
    export const codec = (): Codec<Role> => {
      return enumeration<Role>(__RoleValues)
    }
  }

  let _codec: Codec<StoredSession>

  export const codec = (): Codec<StoredSession> => {
    if (_codec == null) {
      _codec = message<StoredSession>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ratchetState != null && obj.ratchetState.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ratchetState)
        }

        if ((obj.localIdentityKey != null && obj.localIdentityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.localIdentityKey)
        }

        if ((obj.remoteIdentityKey != null && obj.remoteIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.remoteIdentityKey)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.baseKey)
        }

        if (obj.role != null && __RoleValues[obj.role] !== 0) {
          w.uint32(40)
          StoredSession.Role.codec().encode(obj.role, w)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(48)
          w.uint64(obj.createdAt)
        }

        if (obj.pendingPreKey != null) {
          w.uint32(58)
          PendingPreKey.codec().encode(obj.pendingPreKey, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ratchetState: uint8ArrayAlloc(0),
          localIdentityKey: uint8ArrayAlloc(0),
          remoteIdentityKey: uint8ArrayAlloc(0),
          baseKey: uint8ArrayAlloc(0),
          role: Role.ROLE_UNSPECIFIED,
          createdAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ratchetState = reader.bytes()
              break
            }
            case 2: {
              obj.localIdentityKey = reader.bytes()
              break
            }
            case 3: {
              obj.remoteIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.baseKey = reader.bytes()
              break
            }
            case 5: {
              obj.role = StoredSession.Role.codec().decode(reader)
              break
            }
            case 6: {
              obj.createdAt = reader.uint64()
              break
            }
            case 7: {
              obj.pendingPreKey = PendingPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pendingPreKey
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
              yield {
                field: `${prefix}.ratchetState`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.localIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.remoteIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.role`,
                value: StoredSession.Role.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.uint64()
              }
              break
            }
            case 7: {
              yield * PendingPreKey.codec().stream(reader, reader.uint32(), `${prefix}.pendingPreKey`, {
                limits: opts.limits?.pendingPreKey
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

  export interface StoredSessionRatchetStateFieldEvent {
    field: '$.ratchetState'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionLocalIdentityKeyFieldEvent {
    field: '$.localIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRemoteIdentityKeyFieldEvent {
    field: '$.remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRoleFieldEvent {
    field: '$.role'
    value: StoredSession.Role
  }

  export interface StoredSessionCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface StoredSessionPendingPreKeySignedPreKeyIdFieldEvent {
    field: '$.pendingPreKey.signedPreKeyId'
    value: number
  }

  export interface StoredSessionPendingPreKeyKemPreKeyIdFieldEvent {
    field: '$.pendingPreKey.kemPreKeyId'
    value: number
  }

  export interface StoredSessionPendingPreKeyKemPreKeyKindFieldEvent {
    field: '$.pendingPreKey.kemPreKeyKind'
    value: PendingPreKey.KemPreKeyKind
  }

  export interface StoredSessionPendingPreKeyKemCiphertextFieldEvent {
    field: '$.pendingPreKey.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionPendingPreKeyOneTimePreKeyIdFieldEvent {
    field: '$.pendingPreKey.oneTimePreKeyId'
    value: number
  }

  export function encode (obj: Partial<StoredSession>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoredSession.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSession>): StoredSession {
    return decodeMessage(buf, StoredSession.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSession>): Generator<StoredSessionRatchetStateFieldEvent | StoredSessionLocalIdentityKeyFieldEvent | StoredSessionRemoteIdentityKeyFieldEvent | StoredSessionBaseKeyFieldEvent | StoredSessionRoleFieldEvent | StoredSessionCreatedAtFieldEvent | StoredSessionPendingPreKeySignedPreKeyIdFieldEvent | StoredSessionPendingPreKeyKemPreKeyIdFieldEvent | StoredSessionPendingPreKeyKemPreKeyKindFieldEvent | StoredSessionPendingPreKeyKemCiphertextFieldEvent | StoredSessionPendingPreKeyOneTimePreKeyIdFieldEvent> {
    return streamMessage(buf, StoredSession.codec(), opts)
  }
}

export interface StoredSessionRecord {
  version: number
  current?: StoredSession
  archived: StoredSession[]
}

export namespace StoredSessionRecord {
  let _codec: Codec<StoredSessionRecord>

  export const codec = (): Codec<StoredSessionRecord> => {
    if (_codec == null) {
      _codec = message<StoredSessionRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.current != null) {
          w.uint32(18)
          StoredSession.codec().encode(obj.current, w)
        }

        if (obj.archived != null && obj.archived.length > 0) {
          for (const value of obj.archived) {
            w.uint32(26)
            StoredSession.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          archived: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.current = StoredSession.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.current
              })
              break
            }
            case 3: {
              if (opts.limits?.archived != null && obj.archived.length === opts.limits.archived) {
                throw new MaxLengthError('Decode error - repeated field "archived" had too many elements')
              }

              obj.archived.push(StoredSession.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.archived$
              }))
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
          archived: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield * StoredSession.codec().stream(reader, reader.uint32(), `${prefix}.current`, {
                limits: opts.limits?.current
              })

              break
            }
            case 3: {
              if (opts.limits?.archived != null && obj.archived === opts.limits.archived) {
                throw new MaxLengthError('Streaming decode error - repeated field "archived" had too many elements')
              }

              for (const evt of StoredSession.codec().stream(reader, reader.uint32(), `${prefix}.archived[]`, {
                limits: opts.limits?.archived$
              })) {
                yield {
                  ...evt,
                  index: obj.archived
                }
              }

              obj.archived++

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

  export interface StoredSessionRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface StoredSessionRecordCurrentRatchetStateFieldEvent {
    field: '$.current.ratchetState'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRecordCurrentLocalIdentityKeyFieldEvent {
    field: '$.current.localIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRecordCurrentRemoteIdentityKeyFieldEvent {
    field: '$.current.remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRecordCurrentBaseKeyFieldEvent {
    field: '$.current.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRecordCurrentRoleFieldEvent {
    field: '$.current.role'
    value: StoredSession.Role
  }

  export interface StoredSessionRecordCurrentCreatedAtFieldEvent {
    field: '$.current.createdAt'
    value: bigint
  }

  export interface StoredSessionRecordCurrentPendingPreKeySignedPreKeyIdFieldEvent {
    field: '$.current.pendingPreKey.signedPreKeyId'
    value: number
  }

  export interface StoredSessionRecordCurrentPendingPreKeyKemPreKeyIdFieldEvent {
    field: '$.current.pendingPreKey.kemPreKeyId'
    value: number
  }

  export interface StoredSessionRecordCurrentPendingPreKeyKemPreKeyKindFieldEvent {
    field: '$.current.pendingPreKey.kemPreKeyKind'
    value: PendingPreKey.KemPreKeyKind
  }

  export interface StoredSessionRecordCurrentPendingPreKeyKemCiphertextFieldEvent {
    field: '$.current.pendingPreKey.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredSessionRecordCurrentPendingPreKeyOneTimePreKeyIdFieldEvent {
    field: '$.current.pendingPreKey.oneTimePreKeyId'
    value: number
  }

  export interface StoredSessionRecordArchivedRatchetStateFieldEvent {
    field: '$.archived[].ratchetState'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoredSessionRecordArchivedLocalIdentityKeyFieldEvent {
    field: '$.archived[].localIdentityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoredSessionRecordArchivedRemoteIdentityKeyFieldEvent {
    field: '$.archived[].remoteIdentityKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoredSessionRecordArchivedBaseKeyFieldEvent {
    field: '$.archived[].baseKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoredSessionRecordArchivedRoleFieldEvent {
    field: '$.archived[].role'
    value: StoredSession.Role
    index: number
  }

  export interface StoredSessionRecordArchivedCreatedAtFieldEvent {
    field: '$.archived[].createdAt'
    value: bigint
    index: number
  }

  export interface StoredSessionRecordArchivedPendingPreKeySignedPreKeyIdFieldEvent {
    field: '$.archived[].pendingPreKey.signedPreKeyId'
    value: number
    index: number
  }

  export interface StoredSessionRecordArchivedPendingPreKeyKemPreKeyIdFieldEvent {
    field: '$.archived[].pendingPreKey.kemPreKeyId'
    value: number
    index: number
  }

  export interface StoredSessionRecordArchivedPendingPreKeyKemPreKeyKindFieldEvent {
    field: '$.archived[].pendingPreKey.kemPreKeyKind'
    value: PendingPreKey.KemPreKeyKind
    index: number
  }

  export interface StoredSessionRecordArchivedPendingPreKeyKemCiphertextFieldEvent {
    field: '$.archived[].pendingPreKey.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface StoredSessionRecordArchivedPendingPreKeyOneTimePreKeyIdFieldEvent {
    field: '$.archived[].pendingPreKey.oneTimePreKeyId'
    value: number
    index: number
  }

  export function encode (obj: Partial<StoredSessionRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoredSessionRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSessionRecord>): StoredSessionRecord {
    return decodeMessage(buf, StoredSessionRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredSessionRecord>): Generator<StoredSessionRecordVersionFieldEvent | StoredSessionRecordCurrentRatchetStateFieldEvent | StoredSessionRecordCurrentLocalIdentityKeyFieldEvent | StoredSessionRecordCurrentRemoteIdentityKeyFieldEvent | StoredSessionRecordCurrentBaseKeyFieldEvent | StoredSessionRecordCurrentRoleFieldEvent | StoredSessionRecordCurrentCreatedAtFieldEvent | StoredSessionRecordCurrentPendingPreKeySignedPreKeyIdFieldEvent | StoredSessionRecordCurrentPendingPreKeyKemPreKeyIdFieldEvent | StoredSessionRecordCurrentPendingPreKeyKemPreKeyKindFieldEvent | StoredSessionRecordCurrentPendingPreKeyKemCiphertextFieldEvent | StoredSessionRecordCurrentPendingPreKeyOneTimePreKeyIdFieldEvent | StoredSessionRecordArchivedRatchetStateFieldEvent | StoredSessionRecordArchivedLocalIdentityKeyFieldEvent | StoredSessionRecordArchivedRemoteIdentityKeyFieldEvent | StoredSessionRecordArchivedBaseKeyFieldEvent | StoredSessionRecordArchivedRoleFieldEvent | StoredSessionRecordArchivedCreatedAtFieldEvent | StoredSessionRecordArchivedPendingPreKeySignedPreKeyIdFieldEvent | StoredSessionRecordArchivedPendingPreKeyKemPreKeyIdFieldEvent | StoredSessionRecordArchivedPendingPreKeyKemPreKeyKindFieldEvent | StoredSessionRecordArchivedPendingPreKeyKemCiphertextFieldEvent | StoredSessionRecordArchivedPendingPreKeyOneTimePreKeyIdFieldEvent> {
    return streamMessage(buf, StoredSessionRecord.codec(), opts)
  }
}
