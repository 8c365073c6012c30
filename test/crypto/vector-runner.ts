// The runner of the small known-answer vector files (docs/protocol.md part 1 section 8):
// each spec's cases are recomputed with every provider and compared byte for byte;
// MURMUR_WRITE_VECTORS=1 rewrites the files from the noble provider instead, with inputs drawn
// once from deterministicRandom(`${seedPrefix}${spec.name}`).
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { deterministicRandom } from '../../src/crypto/deterministic-random.js'
import { createProvider } from '../../src/crypto/providers/index.js'
import type { CryptoProvider } from '../../src/crypto/provider.js'
import { providers } from './ratchet/helpers.js'

export type Fields = Record<string, string | number>
export interface VectorCase { comment?: string, input: Fields, output: Fields }
interface VectorFile { name: string, version: 1, description: string, cases: VectorCase[] }

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
export const unhex = (value: string | number): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'hex'))

export interface VectorSpec {
  name: string
  file: string
  description: string
  /** The inputs of every case, drawn from a deterministic random source (written once). */
  inputs: (random: (n: number) => Uint8Array) => Array<{ comment?: string, input: Fields }>
  compute: (provider: CryptoProvider, input: Fields) => Fields
}

const WRITE = process.env.MURMUR_WRITE_VECTORS === '1'
const vectorPath = (file: string): string => new URL(`../vectors/${file}`, import.meta.url).pathname

export function describeVectors (title: string, seedPrefix: string, specs: readonly VectorSpec[]): void {
  describe(title, () => {
    for (const spec of specs) {
      if (WRITE) {
        it(`writes ${spec.file} from the noble provider`, () => {
          const noble = createProvider('noble')
          const random = deterministicRandom(new TextEncoder().encode(`${seedPrefix}${spec.name}`))
          const cases: VectorCase[] = spec.inputs(random).map(({ comment, input }) => ({
            ...(comment === undefined ? {} : { comment }), input, output: spec.compute(noble, input)
          }))
          const file: VectorFile = { name: spec.name, version: 1, description: spec.description, cases }
          writeFileSync(vectorPath(spec.file), JSON.stringify(file, null, 2) + '\n')
          expect(cases.length).toBeGreaterThan(0)
        })
        continue
      }
      it.each(providers)(`${spec.file} matches (%s)`, (_name, provider) => {
        const file = JSON.parse(readFileSync(vectorPath(spec.file), 'utf8')) as VectorFile
        expect(file.name).toBe(spec.name)
        expect(file.version).toBe(1)
        expect(file.cases.length).toBeGreaterThanOrEqual(3)
        for (const vector of file.cases) expect(spec.compute(provider, vector.input)).toEqual(vector.output)
      })
    }
  })
}
