/**
 * The floors of `npm run bench -- net`, measured beside the messages: the durable-write floor of
 * this disk and the ratchet's own rate. They run in the raw baseline's worker processes
 * (bench/net-raw.ts), never in a murmur worker. The ratchet floor allocates some 90 MB per run
 * (a heap sampling profile of the sender): run in the encrypted pair's sender, as it was, its
 * garbage was collected during the floods after it and showed in that process's profile as the
 * cost of encryption, and the floor itself was measured on a heap full of a node's state.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { defaultProvider, providersReady } from '../src/crypto/providers/index.js'
import { burst } from './crypto/workloads.js'

/**
 * The durable-write floor on this disk, measured beside the messages: `count` synced LevelDB
 * batches of one 200-byte put each, one after another, in a store of their own in the home's
 * folder (the same file system as the node's store). Milliseconds per write.
 */
export async function fsyncFloor (params: { home: string, count: number }): Promise<number[]> {
  const db = new ClassicLevel<string, Uint8Array>(join(params.home, `fsync-floor-${process.pid}`), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  const value = new Uint8Array(randomBytes(200))
  const ms: number[] = []
  try {
    for (let i = 0; i < params.count; i++) {
      const t0 = performance.now()
      await db.batch([{ type: 'put', key: `k${i}`, value }], { sync: true } as never)
      ms.push(performance.now() - t0)
    }
  } finally {
    await db.close()
  }
  return ms
}

/**
 * The ratchet's own rate, measured beside the messages: one message = sessionEncrypt + sessionDecrypt
 * of a 100-byte plaintext, always the same direction (the crypto benchmark's burst workload, node
 * provider), for about `ms` milliseconds. Messages per second.
 */
export async function ratchetFloor (params: { ms: number }): Promise<number> {
  await providersReady
  const run = burst(defaultProvider()) as (n: number) => () => void
  run(50)() // warm-up: JIT and the first chain keys
  let n = 0
  let batch = 50
  const t0 = performance.now()
  while (performance.now() - t0 < params.ms) {
    run(batch)()
    n += batch
    batch = Math.min(batch * 2, 2000)
  }
  return n / ((performance.now() - t0) / 1000)
}
