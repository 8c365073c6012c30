import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { MemoryLevel } from 'memory-level'
import { defaultProvider } from '../../src/crypto/providers/index.js'
import { deriveHomeKeys } from '../../src/store/at-rest/keys.js'
import { plainCipher, sealedCipher, type Level, type StoreCipher } from '../../src/store/index.js'
import { storeCompliance } from './compliance.js'

const DATA_KEY = new Uint8Array(32).fill(7)
const ciphers: Record<string, () => StoreCipher> = {
  unencrypted: () => plainCipher,
  encrypted: () => sealedCipher(defaultProvider(), deriveHomeKeys(defaultProvider(), DATA_KEY))
}

for (const [kind, cipher] of Object.entries(ciphers)) {
  storeCompliance(`classic-level, ${kind}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'murmur-store-'))
    const path = join(dir, 'store')
    return {
      location: () => ({ path }),
      rawLevel: () => new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level,
      cipher,
      cleanup: async () => rm(dir, { recursive: true, force: true })
    }
  })

  storeCompliance(`memory-level, ${kind}`, async () => {
    // One instance for the whole test: memory-level keeps its data across close and open.
    const level = new MemoryLevel<string, Uint8Array>({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as Level
    return {
      location: () => ({ level }),
      rawLevel: () => level,
      cipher,
      cleanup: async () => {}
    }
  })
}
