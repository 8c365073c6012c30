/**
 * Known-answer vector files (test/vectors/*.json, format in the common brief): compare, or
 * with MURMUR_WRITE_VECTORS=1 (re)write from the noble provider's output.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { expect } from 'vitest'

export interface VectorFile<I, O> {
  name: string
  version: number
  description: string
  cases: Array<{ comment?: string, input: I, output: O }>
}

export const WRITE_VECTORS = process.env.MURMUR_WRITE_VECTORS === '1'

export function readVectors<I, O> (url: URL): VectorFile<I, O> {
  if (!existsSync(url)) throw new Error(`Missing vector file ${url.pathname}: run with MURMUR_WRITE_VECTORS=1 to create it`)
  return JSON.parse(readFileSync(url, 'utf8')) as VectorFile<I, O>
}

export function writeVectors<I, O> (url: URL, file: VectorFile<I, O>): void {
  expect(file.cases.length).toBeGreaterThan(0)
  writeFileSync(url, JSON.stringify(file, null, 2) + '\n')
}
