// The one table of error codes (src/errors/codes.ts) and the docs' tables agree, row by
// row, in both directions; the shared base names each error after its class and carries
// its JSON-RPC code.
import { describe, expect, it } from 'vitest'
import { readFile, readdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ERROR_CODES, ExitCode, MurmurError, RpcErrorCode, exitCodeOf, rpcCodeOf } from '../../src/errors/index.js'
import { ContactNotFoundError } from '../../src/messenger/errors.js'
import { MailboxQuotaError } from '../../src/relay/errors.js'
import { DmRefusedError } from '../../src/net/dm/errors.js'
import { toRpcError } from '../../src/api/rpc.js'
import { toCliError } from '../../cli/errors.js'

const docs = async (file: string): Promise<string> => await readFile(resolve(import.meta.dirname, '../../docs', file), 'utf8')

/** The rows of the first Markdown table after `heading`, as arrays of trimmed cells. */
function tableAfter (doc: string, heading: string): string[][] {
  const start = doc.indexOf(heading)
  expect(start, heading).toBeGreaterThanOrEqual(0)
  const lines = doc.slice(start).split('\n')
  const first = lines.findIndex((line) => line.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(first + 2)) { // past the header and the |---| line
    if (!line.startsWith('|')) break
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim()))
  }
  return rows
}

const namesIn = (cell: string): string[] => [...cell.matchAll(/`(\w+Error)`/g)].map((m) => m[1])

describe('the error table', () => {
  it('docs/cli.md lists every exit code, by number and name', async () => {
    const rows = tableAfter(await docs('cli.md'), '## Exit codes (src/errors/exit-codes.ts)')
    expect(rows.map(([code, name]) => [Number(code), name])).toEqual(Object.entries(ExitCode).map(([name, code]) => [code, name]))
  })

  it('docs/cli.md lists every error name with its exit code and JSON-RPC code, and nothing else', async () => {
    const rows = tableAfter(await docs('cli.md'), '### Errors by name (src/errors/codes.ts)')
    const documented = Object.fromEntries(rows.map(([name, exit, rpc]) => [namesIn(name)[0], { exit: Number(exit), rpc: rpc === '' ? undefined : Number(rpc) }]))
    const table = Object.fromEntries(Object.entries(ERROR_CODES).map(([name, c]) => [name, { exit: c.exit, rpc: c.rpc }]))
    expect(documented).toEqual(table)
  })

  it('docs/api.md gives each JSON-RPC code its names and the CLI exit code the table gives them', async () => {
    const rows = tableAfter(await docs('api.md'), '### Errors')
    const seen = new Set<string>()
    for (const [code, , names, exit] of rows) {
      if (Number(code) === RpcErrorCode.INTERNAL_ERROR) continue // "any other"
      for (const name of namesIn(names)) {
        expect(rpcCodeOf(name), name).toBe(Number(code))
        expect(exitCodeOf(name), name).toBe(Number(exit))
        seen.add(name)
      }
    }
    const withRpc = Object.entries(ERROR_CODES).filter(([, c]) => c.rpc !== undefined).map(([name]) => name)
    expect([...seen].sort()).toEqual(withRpc.sort())
  })
})

describe('MurmurError', () => {
  it('is named after its class and carries the code the API and the CLI use', () => {
    const err = new ContactNotFoundError()
    expect(err).toBeInstanceOf(MurmurError)
    expect(err.name).toBe('ContactNotFoundError')
    expect(err.code).toBe(-32001)
    expect(toRpcError(err)).toEqual({ code: err.code, message: 'no such contact', data: { name: 'ContactNotFoundError' } })
    expect(toCliError(err).exitCode).toBe(ExitCode.NOT_FOUND)
    class SomethingBrokeError extends MurmurError {}
    const other = new SomethingBrokeError('x', { cause: err })
    expect(other.name).toBe('SomethingBrokeError')
    expect(other.code).toBe(RpcErrorCode.INTERNAL_ERROR)
    expect(other.cause).toBe(err)
  })

  it('is the base of every error class in src/ and cli/ (one place names them and gives their codes)', async () => {
    const root = resolve(import.meta.dirname, '../..')
    const offenders: string[] = []
    for (const dir of ['src', 'cli']) {
      for (const file of await readdir(resolve(root, dir), { recursive: true })) {
        if (!file.endsWith('.ts') || file === 'errors/murmur-error.ts') continue
        const text = await readFile(resolve(root, dir, file), 'utf8')
        for (const m of text.matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)) offenders.push(`${dir}/${file}: ${m[1]}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('keeps a protocol refusal apart from the JSON-RPC code', () => {
    const quota = new MailboxQuotaError()
    expect(quota).toBeInstanceOf(MurmurError)
    expect(quota.refusal).toBe('QUOTA')
    expect(quota.code).toBe(rpcCodeOf('MailboxQuotaError'))
    expect(toCliError(quota).exitCode).toBe(ExitCode.REFUSED)
    const refused = new DmRefusedError('UNDECRYPTABLE', 'no session')
    expect(refused.refusal).toBe('UNDECRYPTABLE')
    expect(refused.code).toBe(RpcErrorCode.INTERNAL_ERROR)
  })
})
