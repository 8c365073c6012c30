import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedPreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPreKey {
  let _codec: Codec<SignedPreKey>

  export const codec = (): Codec<SignedPreKey> => {
    if (_codec == null) {
      _codec = message<SignedPreKey>((obj, w, opts = {}) => {
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

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
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
              obj.signature = reader.bytes()
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
                field: `${prefix}.signature`,
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

  export interface SignedPreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPreKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKey>): SignedPreKey {
    return decodeMessage(buf, SignedPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKey>): Generator<SignedPreKeyIdFieldEvent | SignedPreKeyPublicKeyFieldEvent | SignedPreKeySignatureFieldEvent> {
    return streamMessage(buf, SignedPreKey.codec(), opts)
  }
}

export interface KemPreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace KemPreKey {
  let _codec: Codec<KemPreKey>

  export const codec = (): Codec<KemPreKey> => {
    if (_codec == null) {
      _codec = message<KemPreKey>((obj, w, opts = {}) => {
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

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
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
              obj.signature = reader.bytes()
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
                field: `${prefix}.signature`,
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

  export interface KemPreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface KemPreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KemPreKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KemPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KemPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKey>): KemPreKey {
    return decodeMessage(buf, KemPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKey>): Generator<KemPreKeyIdFieldEvent | KemPreKeyPublicKeyFieldEvent | KemPreKeySignatureFieldEvent> {
    return streamMessage(buf, KemPreKey.codec(), opts)
  }
}

export interface OneTimePreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePreKey {
  let _codec: Codec<OneTimePreKey>

  export const codec = (): Codec<OneTimePreKey> => {
    if (_codec == null) {
      _codec = message<OneTimePreKey>((obj, w, opts = {}) => {
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0)
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

  export interface OneTimePreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKey>): OneTimePreKey {
    return decodeMessage(buf, OneTimePreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKey>): Generator<OneTimePreKeyIdFieldEvent | OneTimePreKeyPublicKeyFieldEvent> {
    return streamMessage(buf, OneTimePreKey.codec(), opts)
  }
}

export interface PreKeyBundle {
  identityKey: Uint8Array<ArrayBuffer>
  signedPreKey?: SignedPreKey
  lastResortKemPreKey?: KemPreKey
  oneTimePreKey?: OneTimePreKey
  oneTimeKemPreKey?: KemPreKey
}

export namespace PreKeyBundle {
  let _codec: Codec<PreKeyBundle>

  export const codec = (): Codec<PreKeyBundle> => {
    if (_codec == null) {
      _codec = message<PreKeyBundle>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if (obj.signedPreKey != null) {
          w.uint32(18)
          SignedPreKey.codec().encode(obj.signedPreKey, w)
        }

        if (obj.lastResortKemPreKey != null) {
          w.uint32(26)
          KemPreKey.codec().encode(obj.lastResortKemPreKey, w)
        }

        if (obj.oneTimePreKey != null) {
          w.uint32(34)
          OneTimePreKey.codec().encode(obj.oneTimePreKey, w)
        }

        if (obj.oneTimeKemPreKey != null) {
          w.uint32(42)
          KemPreKey.codec().encode(obj.oneTimeKemPreKey, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          identityKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.signedPreKey = SignedPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPreKey
              })
              break
            }
            case 3: {
              obj.lastResortKemPreKey = KemPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.lastResortKemPreKey
              })
              break
            }
            case 4: {
              obj.oneTimePreKey = OneTimePreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimePreKey
              })
              break
            }
            case 5: {
              obj.oneTimeKemPreKey = KemPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.oneTimeKemPreKey
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * SignedPreKey.codec().stream(reader, reader.uint32(), `${prefix}.signedPreKey`, {
                limits: opts.limits?.signedPreKey
              })

              break
            }
            case 3: {
              yield * KemPreKey.codec().stream(reader, reader.uint32(), `${prefix}.lastResortKemPreKey`, {
                limits: opts.limits?.lastResortKemPreKey
              })

              break
            }
            case 4: {
              yield * OneTimePreKey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimePreKey`, {
                limits: opts.limits?.oneTimePreKey
              })

              break
            }
            case 5: {
              yield * KemPreKey.codec().stream(reader, reader.uint32(), `${prefix}.oneTimeKemPreKey`, {
                limits: opts.limits?.oneTimeKemPreKey
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

  export interface PreKeyBundleIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleSignedPreKeyIdFieldEvent {
    field: '$.signedPreKey.id'
    value: number
  }

  export interface PreKeyBundleSignedPreKeyPublicKeyFieldEvent {
    field: '$.signedPreKey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleSignedPreKeySignatureFieldEvent {
    field: '$.signedPreKey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleLastResortKemPreKeyIdFieldEvent {
    field: '$.lastResortKemPreKey.id'
    value: number
  }

  export interface PreKeyBundleLastResortKemPreKeyPublicKeyFieldEvent {
    field: '$.lastResortKemPreKey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleLastResortKemPreKeySignatureFieldEvent {
    field: '$.lastResortKemPreKey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKey.id'
    value: number
  }

  export interface PreKeyBundleOneTimePreKeyPublicKeyFieldEvent {
    field: '$.oneTimePreKey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleOneTimeKemPreKeyIdFieldEvent {
    field: '$.oneTimeKemPreKey.id'
    value: number
  }

  export interface PreKeyBundleOneTimeKemPreKeyPublicKeyFieldEvent {
    field: '$.oneTimeKemPreKey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleOneTimeKemPreKeySignatureFieldEvent {
    field: '$.oneTimeKemPreKey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundle>): PreKeyBundle {
    return decodeMessage(buf, PreKeyBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundle>): Generator<PreKeyBundleIdentityKeyFieldEvent | PreKeyBundleSignedPreKeyIdFieldEvent | PreKeyBundleSignedPreKeyPublicKeyFieldEvent | PreKeyBundleSignedPreKeySignatureFieldEvent | PreKeyBundleLastResortKemPreKeyIdFieldEvent | PreKeyBundleLastResortKemPreKeyPublicKeyFieldEvent | PreKeyBundleLastResortKemPreKeySignatureFieldEvent | PreKeyBundleOneTimePreKeyIdFieldEvent | PreKeyBundleOneTimePreKeyPublicKeyFieldEvent | PreKeyBundleOneTimeKemPreKeyIdFieldEvent | PreKeyBundleOneTimeKemPreKeyPublicKeyFieldEvent | PreKeyBundleOneTimeKemPreKeySignatureFieldEvent> {
    return streamMessage(buf, PreKeyBundle.codec(), opts)
  }
}

export interface PreKeyMessage {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  recipientIdentityKey: Uint8Array<ArrayBuffer>
  baseKey: Uint8Array<ArrayBuffer>
  signedPreKeyId: number
  kemPreKeyId: number
  kemPreKeyKind: PreKeyMessage.KemPreKeyKind
  kemCiphertext: Uint8Array<ArrayBuffer>
  oneTimePreKeyId?: number
  message: Uint8Array<ArrayBuffer>
}

export namespace PreKeyMessage {
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

  let _codec: Codec<PreKeyMessage>

  export const codec = (): Codec<PreKeyMessage> => {
    if (_codec == null) {
      _codec = message<PreKeyMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if ((obj.recipientIdentityKey != null && obj.recipientIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.recipientIdentityKey)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.baseKey)
        }

        if ((obj.signedPreKeyId != null && obj.signedPreKeyId !== 0)) {
          w.uint32(40)
          w.uint32(obj.signedPreKeyId)
        }

        if ((obj.kemPreKeyId != null && obj.kemPreKeyId !== 0)) {
          w.uint32(48)
          w.uint32(obj.kemPreKeyId)
        }

        if (obj.kemPreKeyKind != null && __KemPreKeyKindValues[obj.kemPreKeyKind] !== 0) {
          w.uint32(56)
          PreKeyMessage.KemPreKeyKind.codec().encode(obj.kemPreKeyKind, w)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.kemCiphertext)
        }

        if (obj.oneTimePreKeyId != null) {
          w.uint32(72)
          w.uint32(obj.oneTimePreKeyId)
        }

        if ((obj.message != null && obj.message.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.message)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          recipientIdentityKey: uint8ArrayAlloc(0),
          baseKey: uint8ArrayAlloc(0),
          signedPreKeyId: 0,
          kemPreKeyId: 0,
          kemPreKeyKind: KemPreKeyKind.KEM_PRE_KEY_KIND_UNSPECIFIED,
          kemCiphertext: uint8ArrayAlloc(0),
          message: uint8ArrayAlloc(0)
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
              obj.identityKey = reader.bytes()
              break
            }
            case 3: {
              obj.recipientIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.baseKey = reader.bytes()
              break
            }
            case 5: {
              obj.signedPreKeyId = reader.uint32()
              break
            }
            case 6: {
              obj.kemPreKeyId = reader.uint32()
              break
            }
            case 7: {
              obj.kemPreKeyKind = PreKeyMessage.KemPreKeyKind.codec().decode(reader)
              break
            }
            case 8: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 9: {
              obj.oneTimePreKeyId = reader.uint32()
              break
            }
            case 10: {
              obj.message = reader.bytes()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.recipientIdentityKey`,
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
                field: `${prefix}.signedPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.kemPreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.kemPreKeyKind`,
                value: PreKeyMessage.KemPreKeyKind.codec().decode(reader)
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.oneTimePreKeyId`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.message`,
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

  export interface PreKeyMessageVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PreKeyMessageIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessageRecipientIdentityKeyFieldEvent {
    field: '$.recipientIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessageBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessageSignedPreKeyIdFieldEvent {
    field: '$.signedPreKeyId'
    value: number
  }

  export interface PreKeyMessageKemPreKeyIdFieldEvent {
    field: '$.kemPreKeyId'
    value: number
  }

  export interface PreKeyMessageKemPreKeyKindFieldEvent {
    field: '$.kemPreKeyKind'
    value: PreKeyMessage.KemPreKeyKind
  }

  export interface PreKeyMessageKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyMessageOneTimePreKeyIdFieldEvent {
    field: '$.oneTimePreKeyId'
    value: number
  }

  export interface PreKeyMessageMessageFieldEvent {
    field: '$.message'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyMessage>): PreKeyMessage {
    return decodeMessage(buf, PreKeyMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyMessage>): Generator<PreKeyMessageVersionFieldEvent | PreKeyMessageIdentityKeyFieldEvent | PreKeyMessageRecipientIdentityKeyFieldEvent | PreKeyMessageBaseKeyFieldEvent | PreKeyMessageSignedPreKeyIdFieldEvent | PreKeyMessageKemPreKeyIdFieldEvent | PreKeyMessageKemPreKeyKindFieldEvent | PreKeyMessageKemCiphertextFieldEvent | PreKeyMessageOneTimePreKeyIdFieldEvent | PreKeyMessageMessageFieldEvent> {
    return streamMessage(buf, PreKeyMessage.codec(), opts)
  }
}
