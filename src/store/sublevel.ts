/**
 * A typed view of one abstract-level sublevel: a fixed key codec and a fixed value codec
 * (docs/store.md, "Layout"), and the store's cipher, which encrypts every value with the
 * stored key as associated data (docs/store.md, "Encryption at rest"). LevelDB sees UTF-8 keys
 * and raw byte values only; every encoding decision lives here, in codec.ts and in
 * record-codecs.ts, so classic-level and memory-level behave identically.
 */
import type { AbstractBatchOptions, AbstractLevel, AbstractSublevel } from 'abstract-level'
import { plainCipher, type StoreCipher } from './at-rest/cipher.js'
import { decodeFixed, emptyCodec, encodeU32, type ValueCodec } from './codec.js'
import { InvalidRecordError } from './errors.js'
import { RecordCache } from './record-cache.js'

/** The root database: classic-level on disk or memory-level, UTF-8 keys, byte values. */
export type Level = AbstractLevel<string | Uint8Array | Buffer, string, Uint8Array>
export type RawSublevel = AbstractSublevel<Level, string | Uint8Array | Buffer, string, Uint8Array>

/**
 * One encoded operation, ready for the root database's batch() once levelOps() has sealed it.
 * A put holds its value encoded but not yet encrypted: sealing waits until the group write,
 * where a value that a later operation of the same group replaces is never sealed at all
 * (docs/store.md, "Cost"). `cache` (and, for a put, the record) goes to the sublevel's read
 * cache once the write has succeeded; levelOps() leaves both out of what LevelDB sees. A put
 * with `patch` is a record laid over another sublevel's (TypedSublevel.layOver): `cache` is that
 * sublevel's, whose record under the same key, when cached, `patch` changes.
 */
export type RawOp =
  | { type: 'put', sublevel: RawSublevel, name: string, key: string, plaintext: Uint8Array, cipher: StoreCipher, cache?: RecordCache<unknown>, record?: unknown, patch?: (record: unknown) => unknown }
  | { type: 'del', sublevel: RawSublevel, name: string, key: string, cache?: RecordCache<unknown> }

/** An operation as LevelDB takes it: the value sealed. */
export type LevelOp =
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
  /**
   * Entries in key order (or reverse), at most `limit` (default: all), within the bounds given
   * (on encoded keys: a prefix a key codec leaves in the clear, say).
   */
  list: (options?: KeyRange) => Promise<Array<{ key: K, value: V }>>
}

/** Records of another sublevel under the same keys, laid over this one's as they are read (TypedSublevel.layOver). */
interface Overlay<V> {
  read: (keys: string[]) => Promise<unknown[]>
  apply: (record: V, over: unknown) => V
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
  /** Decoded records by stored key, for sublevels read right after they are written (record-cache.ts). */
  private readonly cache: RecordCache<V> | undefined
  /** Laid over every record read here (layOver). */
  private overlay: Overlay<V> | undefined
  /** Where this sublevel's records are laid over (layOver): that sublevel's cache, and how. */
  private under: { cache: RecordCache<unknown> | undefined, apply: (record: unknown, over: V) => unknown } | undefined

  constructor (root: Level, name: string, keyCodec: KeyCodec<K>, valueCodec: ValueCodec<V>, options: { managed?: boolean, cipher?: StoreCipher, cacheBytes?: number } = {}) {
    this.name = name
    this.raw = root.sublevel<string, Uint8Array>(name, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as RawSublevel
    this.keyCodec = keyCodec
    this.valueCodec = valueCodec
    this.managed = options.managed ?? false
    this.cipher = valueCodec === (emptyCodec as unknown) ? plainCipher : options.cipher ?? plainCipher
    this.cache = options.cacheBytes !== undefined ? new RecordCache<V>(options.cacheBytes) : undefined
  }

  /**
   * Makes this sublevel's records (keyed as `target`'s) changes of `target`'s: every read of
   * `target` returns its record with this one's laid over by `apply`, and `target`'s cache holds
   * records so laid over (a put here changes the cached record there). A history entry's state
   * written beside it (docs/store.md, "History states").
   */
  layOver<W> (target: TypedSublevel<K, W>, apply: (record: W, over: V | undefined) => W): void {
    target.overlay = { read: async (keys) => await this.getManyEncoded(keys), apply: (record, over) => apply(record, over as V | undefined) }
    this.under = { cache: target.cache as RecordCache<unknown> | undefined, apply: (record, over) => apply(record as W, over) }
  }

  async get (key: K): Promise<V | undefined> {
    const encoded = this.keyCodec.encode(key)
    const cached = this.cache?.get(encoded)
    if (cached !== undefined) return cached
    const token = this.cache?.readToken() ?? 0
    const [bytes, over] = await Promise.all([this.raw.get(encoded), this.overlay?.read([encoded])])
    if (bytes === undefined) return undefined
    let record = this.decodeValue(encoded, bytes)
    if (this.overlay !== undefined) record = this.overlay.apply(record, over?.[0])
    return this.cache?.fill(token, encoded, record, bytes.byteLength) ?? record
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
    const cache = this.cache
    if (cache === undefined) {
      const [values, overs] = await Promise.all([this.raw.getMany(keys), this.overlay?.read(keys)])
      return values.map((bytes, i) => bytes === undefined ? undefined : this.laidOver(this.decodeValue(keys[i], bytes), overs?.[i]))
    }
    const out: Array<V | undefined> = keys.map((key) => cache.get(key))
    const missing = keys.filter((_, i) => out[i] === undefined)
    if (missing.length === 0) return out
    const token = cache.readToken()
    const [values, overs] = await Promise.all([this.raw.getMany(missing), this.overlay?.read(missing)])
    let j = 0
    return out.map((hit, i) => {
      if (hit !== undefined) return hit
      const over = overs?.[j]
      const bytes = values[j++]
      return bytes === undefined ? undefined : cache.fill(token, keys[i], this.laidOver(this.decodeValue(keys[i], bytes), over), bytes.byteLength)
    })
  }

  private laidOver (record: V, over: unknown): V {
    return this.overlay === undefined ? record : this.overlay.apply(record, over)
  }

  async list (options: KeyRange = {}): Promise<Array<{ key: K, value: V }>> {
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
    const overs = await this.overlay?.read(entries.map(([key]) => key))
    return entries.map(([key, bytes], i) => [key, this.laidOver(this.decodeValue(key, bytes), overs?.[i])])
  }

  /** Encoded keys within bounds. */
  async rangeKeys (range: KeyRange): Promise<string[]> {
    return this.raw.keys({ ...range, limit: range.limit ?? -1 }).all()
  }

  encodePut (key: K, value: V): RawOp {
    const encoded = this.keyCodec.encode(key)
    const op: RawOp = { type: 'put', sublevel: this.raw, name: this.name, key: encoded, plaintext: this.valueCodec.encode(value), cipher: this.cipher }
    if (this.cache !== undefined) Object.assign(op, { cache: this.cache, record: value })
    const under = this.under
    if (under?.cache !== undefined) Object.assign(op, { cache: under.cache, patch: (record: unknown) => under.apply(record, value) })
    return op
  }

  encodeDel (key: K): RawOp {
    const op: RawOp = { type: 'del', sublevel: this.raw, name: this.name, key: this.keyCodec.encode(key) }
    if (this.cache !== undefined) op.cache = this.cache as RecordCache<unknown>
    return op
  }
}

/**
 * The operations as LevelDB takes them: each put's value sealed, the read-cache fields left
 * out, and an operation that a later one of the same list overwrites (same sublevel and key)
 * dropped. LevelDB applies a batch atomically and in order, so only the last operation on a key
 * can ever be read; the others would cost a seal and a write each for nothing (a group of sends
 * to one peer writes its session record once per send).
 */
export function levelOps (ops: readonly RawOp[]): LevelOp[] {
  // From the last operation back: the first one met on a key is the one that counts. The keys
  // seen are kept per sublevel, not as one joined string: a drain's batch deletes hundreds of
  // keys, and joining then hashing each (longer when peer names are sealed) cost more than the
  // rest of this function (docs/store.md, "Cost").
  const seen = new Map<string, Set<string>>()
  const out: LevelOp[] = []
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]
    let keys = seen.get(op.name)
    if (keys === undefined) {
      keys = new Set()
      seen.set(op.name, keys)
    } else if (keys.has(op.key)) continue
    keys.add(op.key)
    out.push(op.type === 'put'
      ? { type: 'put', sublevel: op.sublevel, key: op.key, value: op.cipher.sealValue(op.name, op.key, op.plaintext) }
      : { type: 'del', sublevel: op.sublevel, key: op.key })
  }
  return out.reverse()
}

/**
 * The options of a batch() of levelOps(): `sync` (classic-level takes it on batch();
 * abstract-level's types do not list it, memory-level ignores it). Two frozen objects, not a
 * new one per write: abstract-level spreads the options into every operation, and with a fresh
 * options object per call V8 kept that spread on a slow path, some 5 µs per operation (about
 * 60 µs of CPU per message sent; docs/store.md, "Cost").
 */
export function batchOptions (sync: boolean): AbstractBatchOptions<string, Uint8Array> {
  return sync ? SYNCED : UNSYNCED
}
const SYNCED = Object.freeze({ sync: true }) as AbstractBatchOptions<string, Uint8Array>
const UNSYNCED = Object.freeze({ sync: false }) as AbstractBatchOptions<string, Uint8Array>

/** After `ops` were written: updates the read caches of their sublevels, in order. */
export function updateCaches (ops: readonly RawOp[]): void {
  const byCache = new Map<RecordCache<unknown>, { puts: Array<{ key: string, record: unknown, size: number }>, dels: string[], patches: Array<{ key: string, patch: (record: unknown) => unknown }> }>()
  for (const op of ops) {
    if (op.cache === undefined) continue
    let entry = byCache.get(op.cache)
    if (entry === undefined) {
      entry = { puts: [], dels: [], patches: [] }
      byCache.set(op.cache, entry)
    }
    if (op.type === 'put' && op.patch !== undefined) {
      // Laid over a record this group puts: changes that record; else the cached one, if any.
      const put = entry.puts.findLast((p) => p.key === op.key)
      if (put !== undefined) put.record = op.patch(put.record)
      else entry.patches.push({ key: op.key, patch: op.patch })
    } else if (op.type === 'put') {
      // A later delete of the same key in the group wins, and a later put replaces an earlier one.
      entry.dels = entry.dels.filter((k) => k !== op.key)
      entry.patches = entry.patches.filter((p) => p.key !== op.key)
      entry.puts.push({ key: op.key, record: op.record, size: op.plaintext.byteLength })
    } else {
      entry.puts = entry.puts.filter((p) => p.key !== op.key)
      entry.patches = entry.patches.filter((p) => p.key !== op.key)
      entry.dels.push(op.key)
    }
  }
  for (const [cache, { puts, dels, patches }] of byCache) cache.written(puts, dels, patches)
}
