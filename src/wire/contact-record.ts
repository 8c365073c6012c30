import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ContactRecord {
  peerId: Uint8Array<ArrayBuffer>
  sequence: bigint
  addresses: Uint8Array<ArrayBuffer>[]
  bundle: Uint8Array<ArrayBuffer>
  mailboxes: ContactRecord.Mailbox[]
  createdAt: bigint
  signature: Uint8Array<ArrayBuffer>
}

export namespace ContactRecord {
  export interface Mailbox {
    relayPeerId: Uint8Array<ArrayBuffer>
    addresses: Uint8Array<ArrayBuffer>[]
  }

  export namespace Mailbox {
    let _codec: Codec<Mailbox>

    export const codec = (): Codec<Mailbox> => {
      if (_codec == null) {
        _codec = message<Mailbox>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.relayPeerId != null && obj.relayPeerId.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.relayPeerId)
          }

          if (obj.addresses != null && obj.addresses.length > 0) {
            for (const value of obj.addresses) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            relayPeerId: uint8ArrayAlloc(0),
            addresses: []
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.relayPeerId = reader.bytes()
                break
              }
              case 2: {
                if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                  throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
                }

                obj.addresses.push(reader.bytes())
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
            addresses: 0
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.relayPeerId`,
                  value: reader.bytes()
                }
                break
              }
              case 2: {
                if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                  throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
                }

                yield {
                  field: `${prefix}.addresses[]`,
                  index: obj.addresses,
                  value: reader.bytes()
                }

                obj.addresses++

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

    export interface MailboxRelayPeerIdFieldEvent {
      field: '$.relayPeerId'
      value: Uint8Array<ArrayBuffer>
    }

    export interface MailboxAddressesFieldEvent {
      field: '$.addresses[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export function encode (obj: Partial<Mailbox>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Mailbox.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mailbox>): Mailbox {
      return decodeMessage(buf, Mailbox.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mailbox>): Generator<MailboxRelayPeerIdFieldEvent | MailboxAddressesFieldEvent> {
      return streamMessage(buf, Mailbox.codec(), opts)
    }
  }

  let _codec: Codec<ContactRecord>

  export const codec = (): Codec<ContactRecord> => {
    if (_codec == null) {
      _codec = message<ContactRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if ((obj.sequence != null && obj.sequence !== 0n)) {
          w.uint32(16)
          w.uint64(obj.sequence)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.bundle != null && obj.bundle.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.bundle)
        }

        if (obj.mailboxes != null && obj.mailboxes.length > 0) {
          for (const value of obj.mailboxes) {
            w.uint32(42)
            ContactRecord.Mailbox.codec().encode(value, w)
          }
        }

        if ((obj.createdAt != null && obj.createdAt !== 0n)) {
          w.uint32(48)
          w.uint64(obj.createdAt)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          sequence: 0n,
          addresses: [],
          bundle: uint8ArrayAlloc(0),
          mailboxes: [],
          createdAt: 0n,
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              obj.sequence = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.bytes())
              break
            }
            case 4: {
              obj.bundle = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.mailboxes != null && obj.mailboxes.length === opts.limits.mailboxes) {
                throw new MaxLengthError('Decode error - repeated field "mailboxes" had too many elements')
              }

              obj.mailboxes.push(ContactRecord.Mailbox.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.mailboxes$
              }))
              break
            }
            case 6: {
              obj.createdAt = reader.uint64()
              break
            }
            case 7: {
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
        const obj = {
          addresses: 0,
          mailboxes: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.sequence`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.bytes()
              }

              obj.addresses++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.bundle`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.mailboxes != null && obj.mailboxes === opts.limits.mailboxes) {
                throw new MaxLengthError('Streaming decode error - repeated field "mailboxes" had too many elements')
              }

              for (const evt of ContactRecord.Mailbox.codec().stream(reader, reader.uint32(), `${prefix}.mailboxes[]`, {
                limits: opts.limits?.mailboxes$
              })) {
                yield {
                  ...evt,
                  index: obj.mailboxes
                }
              }

              obj.mailboxes++

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

  export interface ContactRecordPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContactRecordSequenceFieldEvent {
    field: '$.sequence'
    value: bigint
  }

  export interface ContactRecordAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContactRecordBundleFieldEvent {
    field: '$.bundle'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContactRecordMailboxesRelayPeerIdFieldEvent {
    field: '$.mailboxes[].relayPeerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ContactRecordMailboxesAddressesFieldEvent {
    field: '$.mailboxes[].addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContactRecordCreatedAtFieldEvent {
    field: '$.createdAt'
    value: bigint
  }

  export interface ContactRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ContactRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ContactRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContactRecord>): ContactRecord {
    return decodeMessage(buf, ContactRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContactRecord>): Generator<ContactRecordPeerIdFieldEvent | ContactRecordSequenceFieldEvent | ContactRecordAddressesFieldEvent | ContactRecordBundleFieldEvent | ContactRecordMailboxesRelayPeerIdFieldEvent | ContactRecordMailboxesAddressesFieldEvent | ContactRecordCreatedAtFieldEvent | ContactRecordSignatureFieldEvent> {
    return streamMessage(buf, ContactRecord.codec(), opts)
  }
}
