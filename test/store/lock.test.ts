import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClassicLevel } from 'classic-level'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HomeInUseError, UnsupportedSchemaVersionError, openStore } from '../../src/store/index.js'

const SCRIPT = fileURLToPath(new URL('./fixtures/level-process.mjs', import.meta.url))
const STEP_TIMEOUT_MS = 10_000

/** Runs the fixture; resolves with the child and its first line of output. */
async function runChild (args: string[]): Promise<{ child: ChildProcess, line: string }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  children.push(child)
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('child did not answer in time')), STEP_TIMEOUT_MS)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const nl = out.indexOf('\n')
      if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl)) }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited with ${String(code)} before answering`)) })
  })
  return { child, line }
}

async function kill (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

let children: ChildProcess[] = []
let dir: string
let path: string

describe('store lock: a second process', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'murmur-lock-'))
    path = join(dir, 'store')
  })

  afterEach(async () => {
    for (const child of children) await kill(child)
    children = []
    await rm(dir, { recursive: true, force: true })
  })

  it('gets HomeInUseError naming the holder, and a stale pid file of a dead holder does not block', async () => {
    const { child, line } = await runChild(['hold', path])
    expect(line).toBe('ready')

    const err = await openStore({ path }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HomeInUseError)
    expect((err as Error).name).toBe('HomeInUseError')
    expect((err as Error).message).toBe(`this home is in use by a running node, pid ${child.pid}`)
    expect((err as HomeInUseError).pid).toBe(child.pid)

    await kill(child)
    expect((await readFile(`${path}.pid`, 'utf8')).trim()).toBe(String(child.pid))
    const store = await openStore({ path })
    expect((await readFile(`${path}.pid`, 'utf8')).trim()).toBe(String(process.pid))
    await store.close()
    expect(existsSync(`${path}.pid`)).toBe(false)
  })

  it('says "pid unknown" when the holder left no pid file', async () => {
    await runChild(['hold', path, '--no-pid'])
    await expect(openStore({ path })).rejects.toThrow('this home is in use by a running node, pid unknown')
  })

  it('holds the LevelDB lock against another process while open, and releases it on close', async () => {
    const store = await openStore({ path })
    const { line: whileOpen } = await runChild(['try', path])
    expect(JSON.parse(whileOpen)).toEqual({ opened: false, code: 'LEVEL_DATABASE_NOT_OPEN', cause: 'LEVEL_LOCKED' })
    await store.close()
    const { line: afterClose } = await runChild(['try', path])
    expect(JSON.parse(afterClose)).toEqual({ opened: true })
  })

  it('writes no pid file when the schema version is refused', async () => {
    const raw = new ClassicLevel<string, string>(path)
    await raw.open()
    await raw.sublevel<string, string>('settings', {}).put('schemaVersion', '7')
    await raw.close()
    await expect(openStore({ path })).rejects.toThrow(UnsupportedSchemaVersionError)
    expect(existsSync(`${path}.pid`)).toBe(false)
    // The refused open released the lock.
    const { line } = await runChild(['try', path])
    expect(JSON.parse(line)).toEqual({ opened: true })
  })
})
