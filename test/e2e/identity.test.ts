import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ExitCode } from '../../src/errors/exit-codes.js'
import { runCli, tempHome } from './cli-helpers.js'

describe('murmur init / id (real CLI processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => { await Promise.all(cleanups.splice(0).map(async c => { await c() })) })

  it('init creates a 0600 key file in a 0700 home; id prints the same peer ID and fingerprint', async () => {
    const { home, cleanup } = await tempHome()
    cleanups.push(cleanup)
    const init = await runCli(['init', '--home', home, '--name', 'alice', '--json', '--no-passphrase'])
    expect(init.stderr).toBe('')
    expect(init.code).toBe(0)
    const created = JSON.parse(init.stdout)
    expect(created.peerId).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/)
    expect(created.fingerprint).toMatch(/^(\d{5} ){5}\d{5}$/)
    expect(created.name).toBe('alice')

    const keyStat = await stat(join(home, 'identity.key'))
    expect(keyStat.mode & 0o777).toBe(0o600)
    expect((await stat(home)).mode & 0o777).toBe(0o700)

    const id = await runCli(['id', '--home', home, '--json'])
    expect(id.code).toBe(0)
    const shown = JSON.parse(id.stdout)
    expect(shown.peerId).toBe(created.peerId)
    expect(shown.fingerprint).toBe(created.fingerprint)

    const text = await runCli(['id', '--home', home])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(created.peerId)
    expect(text.stdout).toContain(created.fingerprint)
  })

  it('MURMUR_HOME selects the home when --home is absent', async () => {
    const { home, cleanup } = await tempHome()
    cleanups.push(cleanup)
    const init = await runCli(['init', '--json', '--no-passphrase'], { env: { MURMUR_HOME: home } })
    expect(init.code).toBe(0)
    const id = await runCli(['id', '--home', home, '--json'])
    expect(JSON.parse(id.stdout).peerId).toBe(JSON.parse(init.stdout).peerId)
  })

  it('two homes get two different identities', async () => {
    const a = await tempHome()
    const b = await tempHome()
    cleanups.push(a.cleanup, b.cleanup)
    const ia = JSON.parse((await runCli(['init', '--home', a.home, '--json', '--no-passphrase'])).stdout)
    const ib = JSON.parse((await runCli(['init', '--home', b.home, '--json', '--no-passphrase'])).stdout)
    expect(ia.peerId).not.toBe(ib.peerId)
    expect(ia.fingerprint).not.toBe(ib.fingerprint)
  })

  it('init refuses to overwrite an existing identity, and the key is unchanged', async () => {
    const { home, cleanup } = await tempHome()
    cleanups.push(cleanup)
    const first = JSON.parse((await runCli(['init', '--home', home, '--json', '--no-passphrase'])).stdout)
    const second = await runCli(['init', '--home', home, '--no-passphrase'])
    expect(second.code).toBe(ExitCode.CONFLICT)
    expect(second.stderr).toMatch(/already exists/)
    expect(second.stderr).not.toMatch(/\n\s+at /) // no stack trace
    const id = JSON.parse((await runCli(['id', '--home', home, '--json'])).stdout)
    expect(id.peerId).toBe(first.peerId)
  })

  it('id without an identity says how to create one, with exit code NOT_FOUND', async () => {
    const { home, cleanup } = await tempHome()
    cleanups.push(cleanup)
    const id = await runCli(['id', '--home', home])
    expect(id.code).toBe(ExitCode.NOT_FOUND)
    expect(id.stderr).toMatch(/murmur init/)
    const json = await runCli(['id', '--home', home, '--json'])
    expect(JSON.parse(json.stderr).error.name).toBe('IdentityNotFoundError')
    expect(JSON.parse(json.stderr).error.exitCode).toBe(ExitCode.NOT_FOUND)
  })

  it('an unknown command is a usage error', async () => {
    const r = await runCli(['frobnicate'])
    expect(r.code).toBe(ExitCode.USAGE)
  })
})
