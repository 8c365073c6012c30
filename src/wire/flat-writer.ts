/**
 * A protobuf writer for flat messages (scalar fields only), for the few encoded on every
 * message sent: the Text inside it (content.proto), the Envelope (envelope.proto) and the store's History and Outbox records
 * (src/store/proto/records.proto; docs/store.md, "Value encoding"). It writes the same bytes
 * as the protons-generated encoders - fields in number order, a proto3 field without
 * `optional` left out at its default, an `optional` one written whenever present - into one
 * buffer of the exact size, sized in a first pass.
 *
 * Why not protons there: its writer builds a list of one object per field and copies them
 * out, which made encoding those three messages about a fifth of a flooding sender's CPU (a
 * message's history entry alone was encoded three times, queued, sent and delivered; its later
 * states now go beside it, in a record of their own: docs/store.md "History states"). Everything
 * else keeps the generated codecs; test/wire/flat-writer.test.ts and
 * test/store/record-codecs-flat.test.ts check that both give identical bytes. Varints are
 * uint8-varint's, as protons' own.
 */
import { encodeUint8Array, encodingLength } from 'uint8-varint'
import { WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './wire-types.js'

/** One field of a flat message: its number, where its value is in the record, how it is encoded. */
export interface FlatField {
  readonly number: number
  readonly name: string
  /** u53: varint of a non-negative safe integer; enum: varint of the value's index in `values`. */
  readonly kind: 'u53' | 'bool' | 'string' | 'bytes' | 'enum'
  /** proto3 `optional`: written whenever present (even at the default). */
  readonly optional: boolean
  /** For enums: the record's values in the enum's numeric order. */
  readonly values?: readonly string[]
}

interface CompiledField extends FlatField {
  /** The field's key byte(s): (number << 3) | wire type, one byte for field numbers up to 15. */
  readonly tag: number
}

export class FlatMessageWriter {
  private readonly fields: readonly CompiledField[]
  /** Per field, the value (or byte length) the sizing pass found: read by the writing pass. */
  private readonly scratch: number[]
  /** The caller's error for an enum value outside its list. */
  private readonly invalid: (message: string) => Error

  /** `invalid` makes the error thrown for an enum value outside its list (the caller's typed error). */
  constructor (fields: readonly FlatField[], invalid: (message: string) => Error) {
    this.invalid = invalid
    for (let i = 1; i < fields.length; i++) {
      if (fields[i].number <= fields[i - 1].number) throw new RangeError('fields must be in field-number order')
    }
    this.fields = fields.map((field) => {
      if (field.number < 1 || field.number > 15) throw new RangeError('field numbers 1 to 15 only (one-byte keys)')
      const wire = field.kind === 'string' || field.kind === 'bytes' ? WIRE_LENGTH_DELIMITED : WIRE_VARINT
      return { ...field, tag: (field.number << 3) | wire }
    })
    this.scratch = new Array<number>(fields.length).fill(0)
  }

  /**
   * `record`'s fields as one protobuf message (or, with `within`, as field number `within` of
   * an outer message that has only that field). The caller has checked the fields' types
   * (numbers are non-negative safe integers); an enum value outside its list is refused here.
   */
  encode (record: Record<string, unknown>, within?: number): Uint8Array {
    const { fields, scratch } = this
    let size = 0
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]
      const value = record[field.name]
      scratch[i] = -1
      if (value === undefined || value === null) continue
      let n: number
      switch (field.kind) {
        case 'u53':
          n = value as number
          if (n === 0 && !field.optional) continue
          scratch[i] = n
          size += 1 + encodingLength(n)
          break
        case 'bool':
          n = value === true ? 1 : 0
          if (n === 0 && !field.optional) continue
          scratch[i] = n
          size += 2
          break
        case 'enum':
          n = (field.values as readonly string[]).indexOf(value as string)
          if (n < 0) throw this.invalid(`${field.name} must be one of ${(field.values as readonly string[]).join(', ')}`)
          if (n === 0 && !field.optional) continue
          scratch[i] = n
          size += 1 + encodingLength(n)
          break
        case 'string':
          n = Buffer.byteLength(value as string, 'utf8')
          if (n === 0 && !field.optional) continue
          scratch[i] = n
          size += 1 + encodingLength(n) + n
          break
        case 'bytes':
          n = (value as Uint8Array).byteLength
          if (n === 0 && !field.optional) continue
          scratch[i] = n
          size += 1 + encodingLength(n) + n
          break
      }
    }
    // Nested as field `within` of an outer message (a oneof's one field): its key and length first.
    if (within !== undefined && (within < 1 || within > 15)) throw new RangeError('field numbers 1 to 15 only (one-byte keys)')
    const head = within === undefined ? 0 : 1 + encodingLength(size)
    const out = Buffer.allocUnsafe(head + size)
    let pos = 0
    if (within !== undefined) {
      out[pos++] = (within << 3) | WIRE_LENGTH_DELIMITED
      encodeUint8Array(size, out, pos)
      pos += encodingLength(size)
    }
    for (let i = 0; i < fields.length; i++) {
      const n = scratch[i]
      if (n < 0) continue
      const field = fields[i]
      out[pos++] = field.tag
      encodeUint8Array(n, out, pos)
      pos += encodingLength(n)
      if (field.kind === 'string') {
        pos += out.write(record[field.name] as string, pos, n, 'utf8')
      } else if (field.kind === 'bytes') {
        out.set(record[field.name] as Uint8Array, pos)
        pos += n
      }
    }
    return new Uint8Array(out.buffer, out.byteOffset, head + size)
  }
}
