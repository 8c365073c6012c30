/**
 * Entry point of `npm run bench -- <name> [options]`: compiles to dist/bench/run.js and runs
 * one benchmark by name. Adding a benchmark is one line in `benchmarks` below: a module under
 * bench/ that exports `run(args: string[]): Promise<void>`.
 *
 * Benchmarks never run inside the test suite (DESIGN.md "Tests and benchmarks").
 */
import { providersReady } from '../src/crypto/providers/index.js'

type BenchmarkModule = { run: (args: string[]) => Promise<void> }

const benchmarks: Record<string, () => Promise<BenchmarkModule>> = {
  crypto: async () => await import('./crypto.js'),
  net: async () => await import('./net.js'),
  dm: async () => await import('./dm.js'),
  relay: async () => await import('./relay.js'),
  cli: async () => await import('./cli.js'),
  web: async () => await import('./web.js'),
  store: async () => await import('./store.js'),
  reach: async () => await import('./reach.js')
}

function usage (): string {
  return `usage: npm run bench -- <${Object.keys(benchmarks).join('|')}> [options]`
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n')
    return name === undefined ? 2 : 0
  }
  const load = benchmarks[name]
  if (load === undefined) {
    process.stderr.write(`unknown benchmark "${name}"\n${usage()}\n`)
    return 2
  }
  const benchmark = await load()
  // Every figure with the provider's engines loaded (src/crypto/providers/chacha-sodium.ts).
  await providersReady
  await benchmark.run(rest)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code },
  (err: unknown) => {
    process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  }
)
