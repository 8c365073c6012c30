import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toCliError } from '../../cli/errors.js'
import { ExitCode } from '../../cli/exit-codes.js'
import { ERROR_CODE_BY_NAME, RpcErrorCode } from '../../src/api/error-codes.js'
import { ApiRemoteError, InvalidParamsError } from '../../src/api/errors.js'
import { METHODS } from '../../src/api/methods.js'
import { validateParams } from '../../src/api/params.js'
import { toRpcError } from '../../src/api/rpc.js'
import { EVENT_NAMES } from '../../src/api/sse.js'
import { ContactNotFoundError, InvalidMessageTextError } from '../../src/messenger/errors.js'

describe('param validation', () => {
  const schema = {
    to: { type: 'string', required: true, description: 'recipient' },
    limit: { type: 'integer', min: 1, max: 10, description: 'limit' },
    wait: { type: 'boolean', description: 'wait' }
  } as const

  it('accepts valid params and absent optional ones', () => {
    expect(validateParams(schema, { to: 'bob' })).toEqual({ to: 'bob' })
    expect(validateParams(schema, { to: 'bob', limit: 10, wait: false })).toEqual({ to: 'bob', limit: 10, wait: false })
    expect(validateParams({}, undefined)).toEqual({})
  })

  it('refuses, naming the param: missing, wrong type, out of range, not an integer, unknown, not an object', () => {
    expect(() => validateParams(schema, {})).toThrow(/missing param "to"/)
    expect(() => validateParams(schema, { to: 1 })).toThrow(/"to" must be a string/)
    expect(() => validateParams(schema, { to: 'b', limit: 11 })).toThrow(/"limit" must be at most 10/)
    expect(() => validateParams(schema, { to: 'b', limit: 1.5 })).toThrow(/"limit" must be an integer/)
    expect(() => validateParams(schema, { to: 'b', limit: Number.NaN })).toThrow(/"limit" must be a number/)
    expect(() => validateParams(schema, { to: 'b', wait: 'yes' })).toThrow(/"wait" must be a boolean/)
    expect(() => validateParams(schema, { to: 'b', extra: 1 })).toThrow(/unknown param "extra"/)
    expect(() => validateParams(schema, ['b'])).toThrow(InvalidParamsError)
    expect(() => validateParams(schema, null)).toThrow(InvalidParamsError)
    expect(() => validateParams({}, { x: 1 })).toThrow(/takes none/)
  })
})

describe('error mapping', () => {
  it('maps library errors to their stable code with data.name, and anything else to -32603', () => {
    expect(toRpcError(new ContactNotFoundError())).toEqual({ code: -32001, message: 'no such contact', data: { name: 'ContactNotFoundError' } })
    expect(toRpcError(new InvalidMessageTextError('too long')).code).toBe(RpcErrorCode.INVALID_PARAMS)
    const internal = toRpcError(new TypeError('boom'))
    expect(internal).toMatchObject({ code: RpcErrorCode.INTERNAL_ERROR, data: { name: 'TypeError' } })
    expect(internal.message).toMatch(/^internal error: boom/)
  })

  it('gives each non-params library error its own code', () => {
    const codes = Object.entries(ERROR_CODE_BY_NAME).filter(([, c]) => c !== RpcErrorCode.INVALID_PARAMS).map(([, c]) => c)
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(-32099)
  })

  it('the CLI turns every mapped remote error into a non-internal exit code', () => {
    for (const [name, code] of Object.entries(ERROR_CODE_BY_NAME)) {
      const cliError = toCliError(new ApiRemoteError('msg', code, name))
      expect(cliError.exitCode, name).not.toBe(ExitCode.INTERNAL)
      expect(cliError.errorName).toBe(name)
    }
    expect(toCliError(new ApiRemoteError('internal error: x', -32603, 'TypeError')).exitCode).toBe(ExitCode.INTERNAL)
  })
})

describe('docs/api.md', () => {
  it('documents every method, every event and every error code', async () => {
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8')
    for (const name of Object.keys(METHODS)) expect(doc, name).toContain(`| \`${name}\` |`)
    for (const name of EVENT_NAMES) expect(doc, name).toContain(`| \`${name}\` |`)
    for (const [name, code] of Object.entries(ERROR_CODE_BY_NAME)) {
      expect(doc, name).toContain(`\`${name}\``)
      expect(doc, name).toContain(`| ${code} |`)
    }
  })
})
