import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { MemoryLevel } from 'memory-level'
import type { Level } from '../../src/store/index.js'
import { storeCompliance } from './compliance.js'

storeCompliance('classic-level', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-store-'))
  const path = join(dir, 'store')
  return {
    location: () => ({ path }),
    rawLevel: () => new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level,
    cleanup: async () => rm(dir, { recursive: true, force: true })
  }
})

storeCompliance('memory-level', async () => {
  // One instance for the whole test: memory-level keeps its data across close and open.
  const level = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level
  return {
    location: () => ({ level }),
    rawLevel: () => level,
    cleanup: async () => {}
  }
})
