import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RatchetStateRecord {
  version: number
  ad: Uint8Array<ArrayBuffer>
  rootKey: Uint8Array<ArrayBuffer>
  sendingRatchetPrivateKey: Uint8Array<ArrayBuffer>
  sendingRatchetPublicKey: Uint8Array<ArrayBuffer>
  remoteRatchetKey?: Uint8Array<ArrayBuffer>
  sendingChainKey?: Uint8Array<ArrayBuffer>
  receivingChainKey?: Uint8Array<ArrayBuffer>
  sendingHeaderKey?: Uint8Array<ArrayBuffer>
  receivingHeaderKey?: Uint8Array<ArrayBuffer>
  sendingNextHeaderKey: Uint8Array<ArrayBuffer>
  receivingNextHeaderKey: Uint8Array<ArrayBuffer>
  sendingMessageNumber: number
  receivingMessageNumber: number
  previousSendingChainLength: number
  skippedMessageKeys: SkippedMessageKey[]
  receivingUnavailable: UnavailableRange[]
  previousReceivingChains: PreviousReceivingChain[]
  sendingEpoch: number
  pq?: PqRatchetState
}

export namespace RatchetStateRecord {
  let _codec: Codec<RatchetStateRecord>

  export const codec = (): Codec<RatchetStateRecord> => {
    if (_codec == null) {
      _codec = message<RatchetStateRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.ad != null && obj.ad.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ad)
        }

        if ((obj.rootKey != null && obj.rootKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.rootKey)
        }

        if ((obj.sendingRatchetPrivateKey != null && obj.sendingRatchetPrivateKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sendingRatchetPrivateKey)
        }

        if ((obj.sendingRatchetPublicKey != null && obj.sendingRatchetPublicKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sendingRatchetPublicKey)
        }

        if (obj.remoteRatchetKey != null) {
          w.uint32(50)
          w.bytes(obj.remoteRatchetKey)
        }

        if (obj.sendingChainKey != null) {
          w.uint32(58)
          w.bytes(obj.sendingChainKey)
        }

        if (obj.receivingChainKey != null) {
          w.uint32(66)
          w.bytes(obj.receivingChainKey)
        }

        if (obj.sendingHeaderKey != null) {
          w.uint32(74)
          w.bytes(obj.sendingHeaderKey)
        }

        if (obj.receivingHeaderKey != null) {
          w.uint32(82)
          w.bytes(obj.receivingHeaderKey)
        }

        if ((obj.sendingNextHeaderKey != null && obj.sendingNextHeaderKey.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.sendingNextHeaderKey)
        }

        if ((obj.receivingNextHeaderKey != null && obj.receivingNextHeaderKey.byteLength > 0)) {
          w.uint32(98)
          w.bytes(obj.receivingNextHeaderKey)
        }

        if ((obj.sendingMessageNumber != null && obj.sendingMessageNumber !== 0)) {
          w.uint32(104)
          w.uint32(obj.sendingMessageNumber)
        }

        if ((obj.receivingMessageNumber != null && obj.receivingMessageNumber !== 0)) {
          w.uint32(112)
          w.uint32(obj.receivingMessageNumber)
        }

        if ((obj.previousSendingChainLength != null && obj.previousSendingChainLength !== 0)) {
          w.uint32(120)
          w.uint32(obj.previousSendingChainLength)
        }

        if (obj.skippedMessageKeys != null && obj.skippedMessageKeys.length > 0) {
          for (const value of obj.skippedMessageKeys) {
            w.uint32(130)
            SkippedMessageKey.codec().encode(value, w)
          }
        }

        if (obj.receivingUnavailable != null && obj.receivingUnavailable.length > 0) {
          for (const value of obj.receivingUnavailable) {
            w.uint32(138)
            UnavailableRange.codec().encode(value, w)
          }
        }

        if (obj.previousReceivingChains != null && obj.previousReceivingChains.length > 0) {
          for (const value of obj.previousReceivingChains) {
            w.uint32(146)
            PreviousReceivingChain.codec().encode(value, w)
          }
        }

        if ((obj.sendingEpoch != null && obj.sendingEpoch !== 0)) {
          w.uint32(152)
          w.uint32(obj.sendingEpoch)
        }

        if (obj.pq != null) {
          w.uint32(162)
          PqRatchetState.codec().encode(obj.pq, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          ad: uint8ArrayAlloc(0),
          rootKey: uint8ArrayAlloc(0),
          sendingRatchetPrivateKey: uint8ArrayAlloc(0),
          sendingRatchetPublicKey: uint8ArrayAlloc(0),
          sendingNextHeaderKey: uint8ArrayAlloc(0),
          receivingNextHeaderKey: uint8ArrayAlloc(0),
          sendingMessageNumber: 0,
          receivingMessageNumber: 0,
          previousSendingChainLength: 0,
          skippedMessageKeys: [],
          receivingUnavailable: [],
          previousReceivingChains: [],
          sendingEpoch: 0
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
              obj.ad = reader.bytes()
              break
            }
            case 3: {
              obj.rootKey = reader.bytes()
              break
            }
            case 4: {
              obj.sendingRatchetPrivateKey = reader.bytes()
              break
            }
            case 5: {
              obj.sendingRatchetPublicKey = reader.bytes()
              break
            }
            case 6: {
              obj.remoteRatchetKey = reader.bytes()
              break
            }
            case 7: {
              obj.sendingChainKey = reader.bytes()
              break
            }
            case 8: {
              obj.receivingChainKey = reader.bytes()
              break
            }
            case 9: {
              obj.sendingHeaderKey = reader.bytes()
              break
            }
            case 10: {
              obj.receivingHeaderKey = reader.bytes()
              break
            }
            case 11: {
              obj.sendingNextHeaderKey = reader.bytes()
              break
            }
            case 12: {
              obj.receivingNextHeaderKey = reader.bytes()
              break
            }
            case 13: {
              obj.sendingMessageNumber = reader.uint32()
              break
            }
            case 14: {
              obj.receivingMessageNumber = reader.uint32()
              break
            }
            case 15: {
              obj.previousSendingChainLength = reader.uint32()
              break
            }
            case 16: {
              if (opts.limits?.skippedMessageKeys != null && obj.skippedMessageKeys.length === opts.limits.skippedMessageKeys) {
                throw new MaxLengthError('Decode error - repeated field "skippedMessageKeys" had too many elements')
              }

              obj.skippedMessageKeys.push(SkippedMessageKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skippedMessageKeys$
              }))
              break
            }
            case 17: {
              if (opts.limits?.receivingUnavailable != null && obj.receivingUnavailable.length === opts.limits.receivingUnavailable) {
                throw new MaxLengthError('Decode error - repeated field "receivingUnavailable" had too many elements')
              }

              obj.receivingUnavailable.push(UnavailableRange.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receivingUnavailable$
              }))
              break
            }
            case 18: {
              if (opts.limits?.previousReceivingChains != null && obj.previousReceivingChains.length === opts.limits.previousReceivingChains) {
                throw new MaxLengthError('Decode error - repeated field "previousReceivingChains" had too many elements')
              }

              obj.previousReceivingChains.push(PreviousReceivingChain.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.previousReceivingChains$
              }))
              break
            }
            case 19: {
              obj.sendingEpoch = reader.uint32()
              break
            }
            case 20: {
              obj.pq = PqRatchetState.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pq
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
        const obj = {
          skippedMessageKeys: 0,
          receivingUnavailable: 0,
          previousReceivingChains: 0
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
              yield {
                field: `${prefix}.ad`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.rootKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sendingRatchetPrivateKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sendingRatchetPublicKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.remoteRatchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.sendingChainKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.receivingChainKey`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.sendingHeaderKey`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.receivingHeaderKey`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.sendingNextHeaderKey`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.receivingNextHeaderKey`,
                value: reader.bytes()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.sendingMessageNumber`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.receivingMessageNumber`,
                value: reader.uint32()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.previousSendingChainLength`,
                value: reader.uint32()
              }
              break
            }
            case 16: {
              if (opts.limits?.skippedMessageKeys != null && obj.skippedMessageKeys === opts.limits.skippedMessageKeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "skippedMessageKeys" had too many elements')
              }

              for (const evt of SkippedMessageKey.codec().stream(reader, reader.uint32(), `${prefix}.skippedMessageKeys[]`, {
                limits: opts.limits?.skippedMessageKeys$
              })) {
                yield {
                  ...evt,
                  index: obj.skippedMessageKeys
                }
              }

              obj.skippedMessageKeys++

              break
            }
            case 17: {
              if (opts.limits?.receivingUnavailable != null && obj.receivingUnavailable === opts.limits.receivingUnavailable) {
                throw new MaxLengthError('Streaming decode error - repeated field "receivingUnavailable" had too many elements')
              }

              for (const evt of UnavailableRange.codec().stream(reader, reader.uint32(), `${prefix}.receivingUnavailable[]`, {
                limits: opts.limits?.receivingUnavailable$
              })) {
                yield {
                  ...evt,
                  index: obj.receivingUnavailable
                }
              }

              obj.receivingUnavailable++

              break
            }
            case 18: {
              if (opts.limits?.previousReceivingChains != null && obj.previousReceivingChains === opts.limits.previousReceivingChains) {
                throw new MaxLengthError('Streaming decode error - repeated field "previousReceivingChains" had too many elements')
              }

              for (const evt of PreviousReceivingChain.codec().stream(reader, reader.uint32(), `${prefix}.previousReceivingChains[]`, {
                limits: opts.limits?.previousReceivingChains$
              })) {
                yield {
                  ...evt,
                  index: obj.previousReceivingChains
                }
              }

              obj.previousReceivingChains++

              break
            }
            case 19: {
              yield {
                field: `${prefix}.sendingEpoch`,
                value: reader.uint32()
              }
              break
            }
            case 20: {
              yield * PqRatchetState.codec().stream(reader, reader.uint32(), `${prefix}.pq`, {
                limits: opts.limits?.pq
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

  export interface RatchetStateRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface RatchetStateRecordAdFieldEvent {
    field: '$.ad'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordRootKeyFieldEvent {
    field: '$.rootKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingRatchetPrivateKeyFieldEvent {
    field: '$.sendingRatchetPrivateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingRatchetPublicKeyFieldEvent {
    field: '$.sendingRatchetPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordRemoteRatchetKeyFieldEvent {
    field: '$.remoteRatchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingChainKeyFieldEvent {
    field: '$.sendingChainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordReceivingChainKeyFieldEvent {
    field: '$.receivingChainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingHeaderKeyFieldEvent {
    field: '$.sendingHeaderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordReceivingHeaderKeyFieldEvent {
    field: '$.receivingHeaderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingNextHeaderKeyFieldEvent {
    field: '$.sendingNextHeaderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordReceivingNextHeaderKeyFieldEvent {
    field: '$.receivingNextHeaderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordSendingMessageNumberFieldEvent {
    field: '$.sendingMessageNumber'
    value: number
  }

  export interface RatchetStateRecordReceivingMessageNumberFieldEvent {
    field: '$.receivingMessageNumber'
    value: number
  }

  export interface RatchetStateRecordPreviousSendingChainLengthFieldEvent {
    field: '$.previousSendingChainLength'
    value: number
  }

  export interface RatchetStateRecordSkippedMessageKeysHeaderKeyFieldEvent {
    field: '$.skippedMessageKeys[].headerKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStateRecordSkippedMessageKeysMessageNumberFieldEvent {
    field: '$.skippedMessageKeys[].messageNumber'
    value: number
    index: number
  }

  export interface RatchetStateRecordSkippedMessageKeysMessageKeyFieldEvent {
    field: '$.skippedMessageKeys[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStateRecordSkippedMessageKeysCreatedAtFieldEvent {
    field: '$.skippedMessageKeys[].createdAt'
    value: number
    index: number
  }

  export interface RatchetStateRecordReceivingUnavailableFirstFieldEvent {
    field: '$.receivingUnavailable[].first'
    value: number
    index: number
  }

  export interface RatchetStateRecordReceivingUnavailableLastFieldEvent {
    field: '$.receivingUnavailable[].last'
    value: number
    index: number
  }

  export interface RatchetStateRecordReceivingUnavailableReasonFieldEvent {
    field: '$.receivingUnavailable[].reason'
    value: UnavailableReason
    index: number
  }

  export interface RatchetStateRecordPreviousReceivingChainsHeaderKeyFieldEvent {
    field: '$.previousReceivingChains[].headerKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface RatchetStateRecordPreviousReceivingChainsLengthFieldEvent {
    field: '$.previousReceivingChains[].length'
    value: number
    index: number
  }

  export interface RatchetStateRecordPreviousReceivingChainsUnavailableFirstFieldEvent {
    field: '$.previousReceivingChains[].unavailable[].first'
    value: number
    index: number
  }

  export interface RatchetStateRecordPreviousReceivingChainsUnavailableLastFieldEvent {
    field: '$.previousReceivingChains[].unavailable[].last'
    value: number
    index: number
  }

  export interface RatchetStateRecordPreviousReceivingChainsUnavailableReasonFieldEvent {
    field: '$.previousReceivingChains[].unavailable[].reason'
    value: UnavailableReason
    index: number
  }

  export interface RatchetStateRecordSendingEpochFieldEvent {
    field: '$.sendingEpoch'
    value: number
  }

  export interface RatchetStateRecordPqInitiatorFieldEvent {
    field: '$.pq.initiator'
    value: boolean
  }

  export interface RatchetStateRecordPqEpochFieldEvent {
    field: '$.pq.epoch'
    value: number
  }

  export interface RatchetStateRecordPqEpochKeyFieldEvent {
    field: '$.pq.epochKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordPqNextEpochKeyFieldEvent {
    field: '$.pq.nextEpochKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordPqPhaseFieldEvent {
    field: '$.pq.phase'
    value: PqPhase
  }

  export interface RatchetStateRecordPqDecapsulationKeyFieldEvent {
    field: '$.pq.decapsulationKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordPqCiphertextFieldEvent {
    field: '$.pq.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetStateRecordPqNextChunkIndexFieldEvent {
    field: '$.pq.nextChunkIndex'
    value: number
  }

  export interface RatchetStateRecordPqReceivedIndexFieldEvent {
    field: '$.pq.received[].index'
    value: number
    index: number
  }

  export interface RatchetStateRecordPqReceivedDataFieldEvent {
    field: '$.pq.received[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<RatchetStateRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RatchetStateRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStateRecord>): RatchetStateRecord {
    return decodeMessage(buf, RatchetStateRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetStateRecord>): Generator<RatchetStateRecordVersionFieldEvent | RatchetStateRecordAdFieldEvent | RatchetStateRecordRootKeyFieldEvent | RatchetStateRecordSendingRatchetPrivateKeyFieldEvent | RatchetStateRecordSendingRatchetPublicKeyFieldEvent | RatchetStateRecordRemoteRatchetKeyFieldEvent | RatchetStateRecordSendingChainKeyFieldEvent | RatchetStateRecordReceivingChainKeyFieldEvent | RatchetStateRecordSendingHeaderKeyFieldEvent | RatchetStateRecordReceivingHeaderKeyFieldEvent | RatchetStateRecordSendingNextHeaderKeyFieldEvent | RatchetStateRecordReceivingNextHeaderKeyFieldEvent | RatchetStateRecordSendingMessageNumberFieldEvent | RatchetStateRecordReceivingMessageNumberFieldEvent | RatchetStateRecordPreviousSendingChainLengthFieldEvent | RatchetStateRecordSkippedMessageKeysHeaderKeyFieldEvent | RatchetStateRecordSkippedMessageKeysMessageNumberFieldEvent | RatchetStateRecordSkippedMessageKeysMessageKeyFieldEvent | RatchetStateRecordSkippedMessageKeysCreatedAtFieldEvent | RatchetStateRecordReceivingUnavailableFirstFieldEvent | RatchetStateRecordReceivingUnavailableLastFieldEvent | RatchetStateRecordReceivingUnavailableReasonFieldEvent | RatchetStateRecordPreviousReceivingChainsHeaderKeyFieldEvent | RatchetStateRecordPreviousReceivingChainsLengthFieldEvent | RatchetStateRecordPreviousReceivingChainsUnavailableFirstFieldEvent | RatchetStateRecordPreviousReceivingChainsUnavailableLastFieldEvent | RatchetStateRecordPreviousReceivingChainsUnavailableReasonFieldEvent | RatchetStateRecordSendingEpochFieldEvent | RatchetStateRecordPqInitiatorFieldEvent | RatchetStateRecordPqEpochFieldEvent | RatchetStateRecordPqEpochKeyFieldEvent | RatchetStateRecordPqNextEpochKeyFieldEvent | RatchetStateRecordPqPhaseFieldEvent | RatchetStateRecordPqDecapsulationKeyFieldEvent | RatchetStateRecordPqCiphertextFieldEvent | RatchetStateRecordPqNextChunkIndexFieldEvent | RatchetStateRecordPqReceivedIndexFieldEvent | RatchetStateRecordPqReceivedDataFieldEvent> {
    return streamMessage(buf, RatchetStateRecord.codec(), opts)
  }
}

export enum PqPhase {
  PQ_PHASE_UNSPECIFIED = 'PQ_PHASE_UNSPECIFIED',
  SENDING_EK = 'SENDING_EK',
  AWAITING_CT = 'AWAITING_CT',
  CONFIRMING = 'CONFIRMING',
  AWAITING_EK = 'AWAITING_EK',
  SENDING_CT = 'SENDING_CT'
}

enum __PqPhaseValues {
  PQ_PHASE_UNSPECIFIED = 0,
  SENDING_EK = 1,
  AWAITING_CT = 2,
  CONFIRMING = 3,
  AWAITING_EK = 4,
  SENDING_CT = 5
}

export namespace PqPhase {
  export const codec = (): Codec<PqPhase> => {
    return enumeration<PqPhase>(__PqPhaseValues)
  }
}

export interface PqChunk {
  index: number
  data: Uint8Array<ArrayBuffer>
}

export namespace PqChunk {
  let _codec: Codec<PqChunk>

  export const codec = (): Codec<PqChunk> => {
    if (_codec == null) {
      _codec = message<PqChunk>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(8)
          w.uint32(obj.index)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          index: 0,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.index = reader.uint32()
              break
            }
            case 2: {
              obj.data = reader.bytes()
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
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.data`,
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

  export interface PqChunkIndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface PqChunkDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PqChunk>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PqChunk.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqChunk>): PqChunk {
    return decodeMessage(buf, PqChunk.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqChunk>): Generator<PqChunkIndexFieldEvent | PqChunkDataFieldEvent> {
    return streamMessage(buf, PqChunk.codec(), opts)
  }
}

export interface PqRatchetState {
  initiator: boolean
  epoch: number
  epochKey: Uint8Array<ArrayBuffer>
  nextEpochKey?: Uint8Array<ArrayBuffer>
  phase: PqPhase
  decapsulationKey?: Uint8Array<ArrayBuffer>
  ciphertext?: Uint8Array<ArrayBuffer>
  nextChunkIndex: number
  received: PqChunk[]
}

export namespace PqRatchetState {
  let _codec: Codec<PqRatchetState>

  export const codec = (): Codec<PqRatchetState> => {
    if (_codec == null) {
      _codec = message<PqRatchetState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.initiator != null && obj.initiator !== false)) {
          w.uint32(8)
          w.bool(obj.initiator)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint32(obj.epoch)
        }

        if ((obj.epochKey != null && obj.epochKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.epochKey)
        }

        if (obj.nextEpochKey != null) {
          w.uint32(34)
          w.bytes(obj.nextEpochKey)
        }

        if (obj.phase != null && __PqPhaseValues[obj.phase] !== 0) {
          w.uint32(40)
          PqPhase.codec().encode(obj.phase, w)
        }

        if (obj.decapsulationKey != null) {
          w.uint32(50)
          w.bytes(obj.decapsulationKey)
        }

        if (obj.ciphertext != null) {
          w.uint32(58)
          w.bytes(obj.ciphertext)
        }

        if ((obj.nextChunkIndex != null && obj.nextChunkIndex !== 0)) {
          w.uint32(64)
          w.uint32(obj.nextChunkIndex)
        }

        if (obj.received != null && obj.received.length > 0) {
          for (const value of obj.received) {
            w.uint32(74)
            PqChunk.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          initiator: false,
          epoch: 0,
          epochKey: uint8ArrayAlloc(0),
          phase: PqPhase.PQ_PHASE_UNSPECIFIED,
          nextChunkIndex: 0,
          received: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.initiator = reader.bool()
              break
            }
            case 2: {
              obj.epoch = reader.uint32()
              break
            }
            case 3: {
              obj.epochKey = reader.bytes()
              break
            }
            case 4: {
              obj.nextEpochKey = reader.bytes()
              break
            }
            case 5: {
              obj.phase = PqPhase.codec().decode(reader)
              break
            }
            case 6: {
              obj.decapsulationKey = reader.bytes()
              break
            }
            case 7: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 8: {
              obj.nextChunkIndex = reader.uint32()
              break
            }
            case 9: {
              if (opts.limits?.received != null && obj.received.length === opts.limits.received) {
                throw new MaxLengthError('Decode error - repeated field "received" had too many elements')
              }

              obj.received.push(PqChunk.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.received$
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
          received: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.initiator`,
                value: reader.bool()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.epochKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nextEpochKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.phase`,
                value: PqPhase.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.decapsulationKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nextChunkIndex`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              if (opts.limits?.received != null && obj.received === opts.limits.received) {
                throw new MaxLengthError('Streaming decode error - repeated field "received" had too many elements')
              }

              for (const evt of PqChunk.codec().stream(reader, reader.uint32(), `${prefix}.received[]`, {
                limits: opts.limits?.received$
              })) {
                yield {
                  ...evt,
                  index: obj.received
                }
              }

              obj.received++

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

  export interface PqRatchetStateInitiatorFieldEvent {
    field: '$.initiator'
    value: boolean
  }

  export interface PqRatchetStateEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface PqRatchetStateEpochKeyFieldEvent {
    field: '$.epochKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqRatchetStateNextEpochKeyFieldEvent {
    field: '$.nextEpochKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqRatchetStatePhaseFieldEvent {
    field: '$.phase'
    value: PqPhase
  }

  export interface PqRatchetStateDecapsulationKeyFieldEvent {
    field: '$.decapsulationKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqRatchetStateCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqRatchetStateNextChunkIndexFieldEvent {
    field: '$.nextChunkIndex'
    value: number
  }

  export interface PqRatchetStateReceivedIndexFieldEvent {
    field: '$.received[].index'
    value: number
    index: number
  }

  export interface PqRatchetStateReceivedDataFieldEvent {
    field: '$.received[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<PqRatchetState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PqRatchetState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqRatchetState>): PqRatchetState {
    return decodeMessage(buf, PqRatchetState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqRatchetState>): Generator<PqRatchetStateInitiatorFieldEvent | PqRatchetStateEpochFieldEvent | PqRatchetStateEpochKeyFieldEvent | PqRatchetStateNextEpochKeyFieldEvent | PqRatchetStatePhaseFieldEvent | PqRatchetStateDecapsulationKeyFieldEvent | PqRatchetStateCiphertextFieldEvent | PqRatchetStateNextChunkIndexFieldEvent | PqRatchetStateReceivedIndexFieldEvent | PqRatchetStateReceivedDataFieldEvent> {
    return streamMessage(buf, PqRatchetState.codec(), opts)
  }
}

export interface SkippedMessageKey {
  headerKey: Uint8Array<ArrayBuffer>
  messageNumber: number
  messageKey: Uint8Array<ArrayBuffer>
  createdAt: number
}

export namespace SkippedMessageKey {
  let _codec: Codec<SkippedMessageKey>

  export const codec = (): Codec<SkippedMessageKey> => {
    if (_codec == null) {
      _codec = message<SkippedMessageKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.headerKey != null && obj.headerKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.headerKey)
        }

        if ((obj.messageNumber != null && obj.messageNumber !== 0)) {
          w.uint32(16)
          w.uint32(obj.messageNumber)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.messageKey)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(33)
          w.double(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          headerKey: uint8ArrayAlloc(0),
          messageNumber: 0,
          messageKey: uint8ArrayAlloc(0),
          createdAt: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.headerKey = reader.bytes()
              break
            }
            case 2: {
              obj.messageNumber = reader.uint32()
              break
            }
            case 3: {
              obj.messageKey = reader.bytes()
              break
            }
            case 4: {
              obj.createdAt = reader.double()
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
                field: `${prefix}.headerKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.messageNumber`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.messageKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.createdAt`,
                value: reader.double()
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

  export interface SkippedMessageKeyHeaderKeyFieldEvent {
    field: '$.headerKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SkippedMessageKeyMessageNumberFieldEvent {
    field: '$.messageNumber'
    value: number
  }

  export interface SkippedMessageKeyMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SkippedMessageKeyCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export function encode (obj: Partial<SkippedMessageKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedMessageKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): SkippedMessageKey {
    return decodeMessage(buf, SkippedMessageKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): Generator<SkippedMessageKeyHeaderKeyFieldEvent | SkippedMessageKeyMessageNumberFieldEvent | SkippedMessageKeyMessageKeyFieldEvent | SkippedMessageKeyCreatedAtFieldEvent> {
    return streamMessage(buf, SkippedMessageKey.codec(), opts)
  }
}

export enum UnavailableReason {
  UNAVAILABLE_REASON_UNSPECIFIED = 'UNAVAILABLE_REASON_UNSPECIFIED',
  EVICTED = 'EVICTED',
  EXPIRED = 'EXPIRED'
}

enum __UnavailableReasonValues {
  UNAVAILABLE_REASON_UNSPECIFIED = 0,
  EVICTED = 1,
  EXPIRED = 2
}

export namespace UnavailableReason {
  export const codec = (): Codec<UnavailableReason> => {
    return enumeration<UnavailableReason>(__UnavailableReasonValues)
  }
}

export interface UnavailableRange {
  first: number
  last: number
  reason: UnavailableReason
}

export namespace UnavailableRange {
  let _codec: Codec<UnavailableRange>

  export const codec = (): Codec<UnavailableRange> => {
    if (_codec == null) {
      _codec = message<UnavailableRange>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.first != null && obj.first !== 0)) {
          w.uint32(8)
          w.uint32(obj.first)
        }

        if ((obj.last != null && obj.last !== 0)) {
          w.uint32(16)
          w.uint32(obj.last)
        }

        if (obj.reason != null && __UnavailableReasonValues[obj.reason] !== 0) {
          w.uint32(24)
          UnavailableReason.codec().encode(obj.reason, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          first: 0,
          last: 0,
          reason: UnavailableReason.UNAVAILABLE_REASON_UNSPECIFIED
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.first = reader.uint32()
              break
            }
            case 2: {
              obj.last = reader.uint32()
              break
            }
            case 3: {
              obj.reason = UnavailableReason.codec().decode(reader)
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
                field: `${prefix}.first`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.last`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.reason`,
                value: UnavailableReason.codec().decode(reader)
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

  export interface UnavailableRangeFirstFieldEvent {
    field: '$.first'
    value: number
  }

  export interface UnavailableRangeLastFieldEvent {
    field: '$.last'
    value: number
  }

  export interface UnavailableRangeReasonFieldEvent {
    field: '$.reason'
    value: UnavailableReason
  }

  export function encode (obj: Partial<UnavailableRange>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, UnavailableRange.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UnavailableRange>): UnavailableRange {
    return decodeMessage(buf, UnavailableRange.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<UnavailableRange>): Generator<UnavailableRangeFirstFieldEvent | UnavailableRangeLastFieldEvent | UnavailableRangeReasonFieldEvent> {
    return streamMessage(buf, UnavailableRange.codec(), opts)
  }
}

export interface PreviousReceivingChain {
  headerKey: Uint8Array<ArrayBuffer>
  length: number
  unavailable: UnavailableRange[]
}

export namespace PreviousReceivingChain {
  let _codec: Codec<PreviousReceivingChain>

  export const codec = (): Codec<PreviousReceivingChain> => {
    if (_codec == null) {
      _codec = message<PreviousReceivingChain>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.headerKey != null && obj.headerKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.headerKey)
        }

        if ((obj.length != null && obj.length !== 0)) {
          w.uint32(16)
          w.uint32(obj.length)
        }

        if (obj.unavailable != null && obj.unavailable.length > 0) {
          for (const value of obj.unavailable) {
            w.uint32(26)
            UnavailableRange.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          headerKey: uint8ArrayAlloc(0),
          length: 0,
          unavailable: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.headerKey = reader.bytes()
              break
            }
            case 2: {
              obj.length = reader.uint32()
              break
            }
            case 3: {
              if (opts.limits?.unavailable != null && obj.unavailable.length === opts.limits.unavailable) {
                throw new MaxLengthError('Decode error - repeated field "unavailable" had too many elements')
              }

              obj.unavailable.push(UnavailableRange.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.unavailable$
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
          unavailable: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.headerKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.length`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              if (opts.limits?.unavailable != null && obj.unavailable === opts.limits.unavailable) {
                throw new MaxLengthError('Streaming decode error - repeated field "unavailable" had too many elements')
              }

              for (const evt of UnavailableRange.codec().stream(reader, reader.uint32(), `${prefix}.unavailable[]`, {
                limits: opts.limits?.unavailable$
              })) {
                yield {
                  ...evt,
                  index: obj.unavailable
                }
              }

              obj.unavailable++

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

  export interface PreviousReceivingChainHeaderKeyFieldEvent {
    field: '$.headerKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreviousReceivingChainLengthFieldEvent {
    field: '$.length'
    value: number
  }

  export interface PreviousReceivingChainUnavailableFirstFieldEvent {
    field: '$.unavailable[].first'
    value: number
    index: number
  }

  export interface PreviousReceivingChainUnavailableLastFieldEvent {
    field: '$.unavailable[].last'
    value: number
    index: number
  }

  export interface PreviousReceivingChainUnavailableReasonFieldEvent {
    field: '$.unavailable[].reason'
    value: UnavailableReason
    index: number
  }

  export function encode (obj: Partial<PreviousReceivingChain>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreviousReceivingChain.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreviousReceivingChain>): PreviousReceivingChain {
    return decodeMessage(buf, PreviousReceivingChain.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreviousReceivingChain>): Generator<PreviousReceivingChainHeaderKeyFieldEvent | PreviousReceivingChainLengthFieldEvent | PreviousReceivingChainUnavailableFirstFieldEvent | PreviousReceivingChainUnavailableLastFieldEvent | PreviousReceivingChainUnavailableReasonFieldEvent> {
    return streamMessage(buf, PreviousReceivingChain.codec(), opts)
  }
}
