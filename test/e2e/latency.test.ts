// Command latency (issue 11): `murmur status` and `murmur send` must cost little more than
// starting node. Most of their time was spent loading modules they do not use, so this checks
// what they load, which does not depend on how busy the machine is; `npm run bench -- cli`
// measures the time itself against a bare `node -e 0`.
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, tempHome } from './cli-helpers.js'

const HOOK = resolve(import.meta.dirname, 'fixtures/import-log.mjs')

/** The packages (and murmur modules) a command that only talks to the API must not load. */
const HEAVY = ['/node_modules/libp2p/', '/node_modules/@libp2p/', '/node_modules/@chainsafe/', '/node_modules/ws/', '/node_modules/zod/',
  '/node_modules/@multiformats/', '/node_modules/@noble/', '/node_modules/classic-level/', '/node_modules/protons-runtime/', '/src/crypto/', '/src/net/', '/src/store/']

async function loadedBy (args: string[], logFile: string): Promise<string[]> {
  await new Promise<void>((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, CLI, ...args], { env: { ...process.env, MURMUR_IMPORT_LOG: logFile }, stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => { resolveRun() })
  })
  return (await readFile(logFile, 'utf8')).split('\n').filter(l => l !== '')
}

describe('what a command loads', () => {
  let dir: { home: string, cleanup: () => Promise<void> }
  beforeAll(async () => { dir = await tempHome('murmur-latency-') })
  afterAll(async () => { await dir?.cleanup() })

  for (const args of [['status'], ['send', 'bob', 'hello'], ['history', 'bob'], ['contacts', 'list'], ['--help']]) {
    it(`murmur ${args.join(' ')} loads no libp2p, crypto, store or schema module`, async () => {
      const loaded = await loadedBy([...args, '--home', dir.home], join(dir.home, '..', `imports-${args[0]}.log`))
      expect(loaded.some(url => url.includes('/cli/murmur.js'))).toBe(true)
      expect(loaded.filter(url => HEAVY.some(h => url.includes(h)))).toEqual([])
      // The command is one bundle (cli/build.mjs): besides it, only Node's own modules load.
      expect(loaded.filter(url => !url.startsWith('node:') && !url.endsWith('/dist/cli/murmur.js'))).toEqual([])
    })
  }

  it('the bundle holds the CLI, the API client and commander, and none of the node stack', async () => {
    const inputs: string[] = JSON.parse(await readFile(join(dirname(CLI), 'murmur.inputs.json'), 'utf8'))
    expect(inputs).toContain('cli/commands/send.ts')
    expect(inputs.some(i => i.includes('node_modules/commander/'))).toBe(true)
    expect(inputs.filter(i => HEAVY.some(h => `/${i}`.includes(h)))).toEqual([])
  })
})
