/**
 * A bounded cache of values derived from secrets (the node provider's imported private
 * KeyObjects). A JS string cannot be wiped, so a cache key built from a private key's bytes
 * would keep the secret in the heap for as long as the entry (or the garbage collector) keeps
 * the string. Secrets are looked up by HMAC-SHA256 under a random key of the cache's own
 * instead (RFC 2104; HMAC is a PRF, so the lookup key tells nothing of the secret, and nobody
 * without the cache's key can even test a guess against it). That key comes from the OS,
 * never from a provider's injected random source, whose stream must stay that of the
 * known-answer vectors.
 */
import { randomBytes } from 'node:crypto'
import type { LRUCache } from 'lru-cache'
import { boundedCache } from './caches.js'
import { hmacSha256Native } from './hmac-sodium.js'

/** Values by secret, looked up by a keyed hash of the secret. */
export class SecretKeyedCache<V extends NonNullable<unknown>> {
  private readonly hmacKey = randomBytes(32)
  private readonly entries: LRUCache<string, V>

  constructor (max: number) {
    this.entries = boundedCache<V>(max)
  }

  /**
   * The lookup key of `secret`: HMAC-SHA256(cache key, secret) in base64 (44 characters), on
   * libsodium once it has loaded (hmac-sodium.ts: same bytes, half the cost of node:crypto's).
   */
  lookupKey (secret: Uint8Array): string {
    const mac = hmacSha256Native(this.hmacKey, secret)
    return Buffer.from(mac.buffer, mac.byteOffset, mac.byteLength).toString('base64')
  }

  get (secret: Uint8Array): V | undefined {
    return this.entries.get(this.lookupKey(secret))
  }

  set (secret: Uint8Array, value: V): void {
    this.entries.set(this.lookupKey(secret), value)
  }

  get size (): number {
    return this.entries.size
  }

  /** The lookup keys held, most recent first (for inspection: they are digests, not secrets). */
  keys (): string[] {
    return [...this.entries.keys()]
  }
}
