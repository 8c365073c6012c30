/**
 * A typed view of one abstract-level sublevel: a fixed key codec and a fixed value codec
 * (docs/store.md, "Layout"), and the store's cipher, which encrypts every value with the
 * stored key as associated data (docs/store.md, "Encryption at rest"). LevelDB sees UTF-8 keys
 * and raw byte values only; every encoding decision lives here, in codec.ts and in
 * record-codecs.ts, so classic-level and memory-level behave identically.
 */
import type { AbstractLevel, AbstractSublevel } from 'abstract-level'
import { plainCipher, type StoreCipher } from './at-rest/cipher.js'
import { decodeFixed, emptyCodec, encodeU32, type ValueCodec } from './codec.js'
import { InvalidRecordError } from './errors.js'

/** The root database: classic-level on disk or memory-level, UTF-8 keys, byte values. */
export type Level = AbstractLevel<string | Uint8Array | Buffer, string, Uint8Array>
export type RawSublevel = AbstractSublevel<Level, string | Uint8Array | Buffer, string, Uint8Array>

/** One encoded operation, ready for the root database's batch(). */
export type RawOp =
  | { type: 'put', sublevel: RawSublevel, key: string, value: Uint8Array }
  | { type: 'del', sublevel: RawSublevel, key: string }

export interface KeyCodec<K> {
  encode: (key: K) => string
  decode: (key: string, sublevel: string) => K
}

export const stringKey: KeyCodec<string> = {
  encode: (key) => {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidRecordError('key must be a non-empty string')
    return key
  },
  decode: (key) => key
}

export const u32Key: KeyCodec<number> = {
  encode: encodeU32,
  decode: decodeFixed
}

/** Bounds on encoded keys, as abstract-level's iterator takes them. */
export interface KeyRange {
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  reverse?: boolean
  limit?: number
}

/** The read side of a sublevel; what the store exposes for sublevels it maintains itself. */
export interface ReadonlySublevel<K, V> {
  readonly name: string
  get: (key: K) => Promise<V | undefined>
  getMany: (keys: K[]) => Promise<Array<V | undefined>>
  /** Entries in key order (or reverse), at most `limit` (default: all). */
  list: (options?: { reverse?: boolean, limit?: number }) => Promise<Array<{ key: K, value: V }>>
}

export class TypedSublevel<K, V> implements ReadonlySublevel<K, V> {
  readonly name: string
  readonly raw: RawSublevel
  readonly keyCodec: KeyCodec<K>
  readonly valueCodec: ValueCodec<V>
  /**
   * Managed sublevels (history, its indexes, conversations, outbox, seen) are written only by
   * StoreBatch's own methods, which keep their indexes in the same batch.
   */
  readonly managed: boolean
  /** The store's cipher; index entries (empty values) carry nothing to encrypt. */
  private readonly cipher: StoreCipher

  constructor (root: Level, name: string, keyCodec: KeyCodec<K>, valueCodec: ValueCodec<V>, options: { managed?: boolean, cipher?: StoreCipher } = {}) {
    this.name = name
    this.raw = root.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as RawSublevel
    this.keyCodec = keyCodec
    this.valueCodec = valueCodec
    this.managed = options.managed ?? false
    this.cipher = valueCodec === (emptyCodec as unknown) ? plainCipher : options.cipher ?? plainCipher
  }

  async get (key: K): Promise<V | undefined> {
    const encoded = this.keyCodec.encode(key)
    const bytes = await this.raw.get(encoded)
    return bytes === undefined ? undefined : this.decodeValue(encoded, bytes)
  }

  /** A stored value (as read under `encodedKey`) as a record: authenticated, decrypted, decoded. */
  decodeValue (encodedKey: string, bytes: Uint8Array): V {
    return this.valueCodec.decode(this.cipher.openValue(this.name, encodedKey, bytes), this.name)
  }

  async getMany (keys: K[]): Promise<Array<V | undefined>> {
    return this.getManyEncoded(keys.map((k) => this.keyCodec.encode(k)))
  }

  async getManyEncoded (keys: string[]): Promise<Array<V | undefined>> {
    if (keys.length === 0) return []
    const values = await this.raw.getMany(keys)
    return values.map((bytes, i) => bytes === undefined ? undefined : this.decodeValue(keys[i], bytes))
  }

  async list (options: { reverse?: boolean, limit?: number } = {}): Promise<Array<{ key: K, value: V }>> {
    const out: Array<{ key: K, value: V }> = []
    for (const [key, value] of await this.range(options)) {
      out.push({ key: this.keyCodec.decode(key, this.name), value })
    }
    return out
  }

  /** Entries within encoded-key bounds, decoded values, encoded keys. */
  async range (range: KeyRange): Promise<Array<[string, V]>> {
    const options = { ...range, limit: range.limit ?? -1 }
    const entries = await this.raw.iterator(options).all()
    return entries.map(([key, bytes]) => [key, this.decodeValue(key, bytes)])
  }

  /** Encoded keys within bounds. */
  async rangeKeys (range: KeyRange): Promise<string[]> {
    return this.raw.keys({ ...range, limit: range.limit ?? -1 }).all()
  }

  encodePut (key: K, value: V): RawOp {
    const encoded = this.keyCodec.encode(key)
    return { type: 'put', sublevel: this.raw, key: encoded, value: this.cipher.sealValue(this.name, encoded, this.valueCodec.encode(value)) }
  }

  encodeDel (key: K): RawOp {
    return { type: 'del', sublevel: this.raw, key: this.keyCodec.encode(key) }
  }
}
