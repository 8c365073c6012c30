/**
 * Structure-aware inputs for protobuf decoders: a message is parsed into its wire fields
 * (https://protobuf.dev/programming-guides/encoding/), then edited field by field with
 * hostile values (huge and wrong lengths, wrong key sizes, varints of 2^32 + 1 or 2^64 - 1,
 * negative int32s, repeated and unknown fields, unknown versions) and encoded again. The
 * result is valid protobuf that a decoder must still refuse cleanly.
 */
import fc from 'fast-check'

export type WireField =
  | { field: number, type: 0, value: bigint }
  | { field: number, type: 1, value: Uint8Array }
  | { field: number, type: 2, value: Uint8Array }
  | { field: number, type: 5, value: Uint8Array }

function readVarint (bytes: Uint8Array, pos: number): [bigint, number] {
  let value = 0n
  let shift = 0n
  for (;;) {
    if (pos >= bytes.length || shift > 63n) throw new Error('bad varint')
    const byte = bytes[pos++]
    value |= BigInt(byte & 0x7f) << shift
    shift += 7n
    if ((byte & 0x80) === 0) return [value & 0xffffffffffffffffn, pos]
  }
}

export function encodeVarint (value: bigint): number[] {
  const out: number[] = []
  let v = value & 0xffffffffffffffffn
  do {
    const byte = Number(v & 0x7fn)
    v >>= 7n
    out.push(v > 0n ? byte | 0x80 : byte)
  } while (v > 0n)
  return out
}

/** The top-level fields of a protobuf message; undefined if it is not well-formed protobuf. */
export function parseFields (bytes: Uint8Array): WireField[] | undefined {
  const fields: WireField[] = []
  let pos = 0
  try {
    while (pos < bytes.length) {
      let tag: bigint
      [tag, pos] = readVarint(bytes, pos)
      const field = Number(tag >> 3n)
      const type = Number(tag & 7n)
      if (type === 0) {
        let value: bigint
        [value, pos] = readVarint(bytes, pos)
        fields.push({ field, type, value })
      } else if (type === 2) {
        let length: bigint
        [length, pos] = readVarint(bytes, pos)
        const end = pos + Number(length)
        if (end > bytes.length) return undefined
        fields.push({ field, type, value: bytes.subarray(pos, end) })
        pos = end
      } else if (type === 1 || type === 5) {
        const end = pos + (type === 1 ? 8 : 4)
        if (end > bytes.length) return undefined
        fields.push({ field, type, value: bytes.subarray(pos, end) })
        pos = end
      } else {
        return undefined
      }
    }
  } catch {
    return undefined
  }
  return fields
}

function varintLength (value: bigint): number {
  let v = value & 0xffffffffffffffffn
  let n = 1
  while (v > 0x7fn) { v >>= 7n; n++ }
  return n
}

function writeVarint (out: Uint8Array, pos: number, value: bigint): number {
  // Small values (tags, lengths: nearly every varint written) without BigInt arithmetic.
  if (value >= 0n && value < 0x80000000n) {
    let v = Number(value)
    while (v > 0x7f) { out[pos++] = (v & 0x7f) | 0x80; v >>>= 7 }
    out[pos++] = v
    return pos
  }
  for (const byte of encodeVarint(value)) out[pos++] = byte
  return pos
}

/**
 * The fields encoded again. One Uint8Array sized up front: this runs for most inputs of a
 * full fuzz run, and building a number[] with spreads cost more than the decoders it feeds.
 */
export function encodeFields (fields: WireField[]): Uint8Array {
  let size = 0
  for (const f of fields) {
    const tag = BigInt(f.field) << 3n | BigInt(f.type)
    size += varintLength(tag)
    if (f.type === 0) size += varintLength(f.value)
    else if (f.type === 2) size += varintLength(BigInt(f.value.length)) + f.value.length
    else size += f.value.length
  }
  const out = new Uint8Array(size)
  let pos = 0
  for (const f of fields) {
    pos = writeVarint(out, pos, BigInt(f.field) << 3n | BigInt(f.type))
    if (f.type === 0) {
      pos = writeVarint(out, pos, f.value)
    } else {
      if (f.type === 2) pos = writeVarint(out, pos, BigInt(f.value.length))
      out.set(f.value, pos)
      pos += f.value.length
    }
  }
  return out
}

/** Varints a decoder must survive: zero, int32 and uint32 edges, 2^32 + 1, 2^53, 2^64 - 1, -1 as int32. */
export const hostileVarint = fc.oneof(
  fc.constantFrom(0n, 1n, 2n, 3n, 99n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n,
    2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 2n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
)

/** Lengths around every key and hash size murmur uses (16, 32, 64, 1184, 1088), and empty. */
const hostileLength = fc.oneof(
  fc.constantFrom(0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1087, 1088, 1089, 1183, 1184, 1185),
  fc.integer({ min: 0, max: 2048 })
)

const hostileBytes = hostileLength.chain(length => fc.oneof(
  fc.uint8Array({ minLength: length, maxLength: length }),
  fc.constant(new Uint8Array(length)),
  fc.constant(new Uint8Array(length).fill(0xff))
))

type Edit = (fields: WireField[]) => WireField[]

/** One structural edit of a parsed message. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  // Replace the value of the i-th field with a hostile one of the same wire type.
  fc.tuple(fc.nat(), hostileVarint, hostileBytes).map(([i, varint, bytes]): Edit => (fields) => {
    if (fields.length === 0) return fields
    const k = i % fields.length
    const f = fields[k]
    const replaced: WireField = f.type === 0 ? { ...f, value: varint } : f.type === 2 ? { ...f, value: bytes } : f
    return fields.map((x, j) => j === k ? replaced : x)
  }),
  // Repeat a field (the last occurrence wins in protobuf, or a list grows).
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 50 })).map(([i, times]): Edit => (fields) =>
    fields.length === 0 ? fields : [...fields, ...Array.from({ length: times }, () => fields[i % fields.length])]),
  // Drop a field.
  fc.nat().map((i): Edit => (fields) => fields.filter((_, j) => fields.length === 0 || j !== i % fields.length)),
  // Add a field, known number or not, of any wire type: an unknown version's extension.
  fc.tuple(fc.integer({ min: 1, max: 40 }), hostileVarint, hostileBytes, fc.constantFrom(0, 2)).map(([field, varint, bytes, type]): Edit => (fields) =>
    [...fields, type === 0 ? { field, type: 0, value: varint } : { field, type: 2, value: bytes }]),
  // Change a field's wire type (a length-delimited field sent as a varint, ...).
  fc.tuple(fc.nat(), hostileVarint).map(([i, varint]): Edit => (fields) => {
    if (fields.length === 0) return fields
    const k = i % fields.length
    const f = fields[k]
    const changed: WireField = f.type === 0 ? { field: f.field, type: 2, value: new Uint8Array(8) } : { field: f.field, type: 0, value: varint }
    return fields.map((x, j) => j === k ? changed : x)
  }),
  // Edit inside a nested message (a length-delimited field that parses as protobuf).
  fc.tuple(fc.nat(), hostileVarint, hostileBytes).map(([i, varint, bytes]): Edit => (fields) => {
    const nested = fields.map((f, j) => ({ f, j, inner: f.type === 2 ? parseFields(f.value) : undefined })).filter(x => x.inner !== undefined && x.inner.length > 0)
    if (nested.length === 0) return fields
    const { j, inner } = nested[i % nested.length]
    const list = inner as WireField[]
    const k = i % list.length
    const g = list[k]
    const replaced: WireField = g.type === 0 ? { ...g, value: varint } : g.type === 2 ? { ...g, value: bytes } : g
    const value = encodeFields(list.map((x, n) => n === k ? replaced : x))
    return fields.map((x, n) => n === j ? { field: x.field, type: 2, value } : x)
  })
)

/** Valid protobuf built from `seeds` by structural edits with hostile values. */
export function structuredFrom (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const parsed = seeds.map(parseFields).filter((f): f is WireField[] => f !== undefined && f.length > 0)
  // Seeds that are not protobuf (a ratchet message is a fixed binary layout) get byte mutations.
  if (parsed.length === 0) return mutationsOf(seeds)
  return fc.tuple(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([i, edits]) =>
    encodeFields(edits.reduce((fields, e) => e(fields), parsed[i % parsed.length])))
}

type ByteEdit = (bytes: Uint8Array) => Uint8Array

/** `bytes` with `inserted` placed at `at`. */
function splice (bytes: Uint8Array, at: number, removed: number, inserted: Uint8Array = new Uint8Array(0)): Uint8Array {
  const end = Math.min(bytes.length, at + removed)
  const out = new Uint8Array(at + inserted.length + bytes.length - end)
  out.set(bytes.subarray(0, at), 0)
  out.set(inserted, at)
  out.set(bytes.subarray(end), at + inserted.length)
  return out
}

/**
 * One byte-level mutation, as coverage-guided fuzzers apply them. Each returns a new array
 * (the seeds are shared by every input) built with typed-array copies, not per-byte callbacks:
 * a bundle seed is over 2 KB and this runs for a third of all inputs.
 */
const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]): ByteEdit => (b) => {
    if (b.length === 0) return b
    const out = b.slice()
    out[i % b.length] ^= 1 << bit
    return out
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]): ByteEdit => (b) => {
    if (b.length === 0) return b
    const out = b.slice()
    out[i % b.length] = v
    return out
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, ins]): ByteEdit => (b) => splice(b, i % (b.length + 1), 0, ins)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([i, n]): ByteEdit => (b) => splice(b, b.length === 0 ? 0 : i % b.length, n)),
  fc.nat().map((i): ByteEdit => (b) => b.slice(0, b.length === 0 ? 0 : i % b.length)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 64 })).map(([from, to, n]): ByteEdit => (b) => {
    if (b.length === 0) return b
    const chunk = b.slice(from % b.length, from % b.length + n)
    return splice(b, to % b.length, 0, chunk)
  })
)

/** Byte-level mutations of valid samples. */
export function mutationsOf (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(), fc.array(byteEdit, { minLength: 1, maxLength: 6 })).map(([i, edits]) =>
    edits.reduce<Uint8Array>((bytes, e) => e(bytes), seeds[i % seeds.length].slice()))
}

/** Plain random bytes, mostly short, sometimes long. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }) }
)

/** The three kinds of input every byte decoder gets, in equal parts. */
export function bytesInputs (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(structuredFrom(seeds), mutationsOf(seeds), randomBytes)
}
