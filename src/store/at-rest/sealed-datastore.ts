/**
 * The libp2p datastore of an encrypted home, sealed (docs/store.md, "The libp2p datastore"):
 * libp2p keeps its peer store there (`/peers/<peer ID>`: everyone this node has talked to,
 * with addresses and keys) and the DHT records it holds, so in the clear it would say who talks
 * to whom. Every key component is sealed with the store cipher's deterministic name
 * encryption, so lookups and prefix queries at component boundaries still work, and every
 * value is encrypted with the sealed key as associated data. Query results come back in the
 * order of the sealed keys: libp2p's callers ask for an order when they need one.
 */
import { logger } from '@libp2p/logger'
import { BaseDatastore } from 'datastore-core'
import { Key, type Datastore, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import type { AbortOptions } from '@libp2p/interface'
import type { StoreCipher } from './cipher.js'

const log = logger('murmur:store:datastore')

/** The associated-data namespace of datastore values (no store sublevel has this name). */
const NAMESPACE = 'libp2p-datastore'

export interface ClosableDatastore extends Datastore {
  open?: () => Promise<void>
  close: () => Promise<void>
}

export class SealedDatastore extends BaseDatastore {
  private readonly inner: ClosableDatastore
  private readonly cipher: StoreCipher

  constructor (inner: ClosableDatastore, cipher: StoreCipher) {
    super()
    this.inner = inner
    this.cipher = cipher
  }

  async close (): Promise<void> {
    await this.inner.close()
    this.cipher.dispose()
  }

  private sealKey (key: Key): Key {
    return new Key('/' + key.namespaces().map((part) => this.cipher.sealName(part)).join('/'), false)
  }

  private openKey (stored: Key): Key {
    return new Key('/' + stored.namespaces().map((part) => this.cipher.openName(part, NAMESPACE)).join('/'), false)
  }

  /** The sealed form of the whole components of a query prefix: a superset the caller filters. */
  private sealPrefix (prefix: string | undefined): string | undefined {
    if (prefix === undefined) return undefined
    const parts = prefix.split('/').filter((p, i) => i > 0 || p !== '')
    const whole = prefix.endsWith('/') ? parts.filter(p => p !== '') : parts.slice(0, -1)
    if (whole.length === 0) return undefined
    return '/' + whole.map((part) => this.cipher.sealName(part)).join('/')
  }

  async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const sealed = this.sealKey(key)
    await this.inner.put(sealed, this.cipher.sealValue(NAMESPACE, sealed.toString(), value), options)
    return key
  }

  async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const sealed = this.sealKey(key)
    return this.cipher.openValue(NAMESPACE, sealed.toString(), await this.inner.get(sealed, options))
  }

  async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return await this.inner.has(this.sealKey(key), options)
  }

  async delete (key: Key, options?: AbortOptions): Promise<void> {
    await this.inner.delete(this.sealKey(key), options)
  }

  async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    const prefix = this.sealPrefix(q.prefix)
    for await (const { key, value } of this.inner.query(prefix !== undefined ? { prefix } : {}, options)) {
      let pair: Pair
      try {
        pair = { key: this.openKey(key), value: this.cipher.openValue(NAMESPACE, key.toString(), value) }
      } catch (err) {
        log.error('skipping a datastore entry that does not open: %s', (err as Error).message)
        continue
      }
      yield pair
    }
  }

  async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    const prefix = this.sealPrefix(q.prefix)
    for await (const key of this.inner.queryKeys(prefix !== undefined ? { prefix } : {}, options)) {
      try {
        yield this.openKey(key)
      } catch (err) {
        log.error('skipping a datastore key that does not open: %s', (err as Error).message)
      }
    }
  }
}
