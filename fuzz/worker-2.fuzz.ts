// One of the full run's two worker processes (fuzz/full.ts says how they share the targets).
import { it } from 'vitest'
import { fuzzWorker } from './full.js'

it('fuzz worker 2', async () => { await fuzzWorker(2) })
