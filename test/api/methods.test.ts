import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { relayCliError } from '../../cli/commands/relays.js'
import { toCliError } from '../../cli/errors.js'
import { ExitCode } from '../../src/errors/exit-codes.js'
import { ERROR_CODES, RpcErrorCode } from '../../src/errors/index.js'
import { ApiRemoteError, InvalidParamsError } from '../../src/api/errors.js'
import { METHODS } from '../../src/api/methods.js'
import { integer, params, paramsJsonSchema, validateParams, z } from '../../src/api/params.js'
import { toRpcError } from '../../src/api/rpc.js'
import { renderParamsSchemaBlock, withSchemaBlock } from '../../src/api/schema-doc.js'
import { EVENT_NAMES } from '../../src/api/sse.js'
import { ContactNotFoundError, InvalidMessageTextError } from '../../src/messenger/errors.js'
import { EnvelopeTooLargeError, MailboxNotFoundError, MailboxQuotaError, RelayRateLimitedError, RelayRefusedError, RelayTimeoutError } from '../../src/relay/errors.js'

describe('param validation', () => {
  const schema = params({
    to: z.string().describe('recipient'),
    limit: integer(1, 10, 'limit').optional(),
    wait: z.boolean().describe('wait').optional()
  })

  it('accepts valid params and absent optional ones', () => {
    expect(validateParams(schema, { to: 'bob' })).toEqual({ to: 'bob' })
    expect(validateParams(schema, { to: 'bob', limit: 10, wait: false })).toEqual({ to: 'bob', limit: 10, wait: false })
    expect(validateParams(params({}), undefined)).toEqual({})
  })

  it('refuses, naming the param: missing, wrong type, out of range, not an integer, unknown, not an object', () => {
    expect(() => validateParams(schema, {})).toThrow(/missing param "to" \(recipient\)/)
    expect(() => validateParams(schema, { to: 1 })).toThrow(/"to" must be a string/)
    expect(() => validateParams(schema, { to: 'b', limit: 11 })).toThrow(/"limit" must be at most 10/)
    expect(() => validateParams(schema, { to: 'b', limit: 1.5 })).toThrow(/"limit" must be an integer/)
    expect(() => validateParams(schema, { to: 'b', limit: Number.NaN })).toThrow(/"limit" must be a number/)
    expect(() => validateParams(schema, { to: 'b', wait: 'yes' })).toThrow(/"wait" must be a boolean/)
    expect(() => validateParams(schema, { to: 'b', extra: 1 })).toThrow(/unknown param "extra"/)
    expect(() => validateParams(schema, ['b'])).toThrow(InvalidParamsError)
    expect(() => validateParams(schema, null)).toThrow(InvalidParamsError)
    expect(() => validateParams(params({}), { x: 1 })).toThrow(/takes none/)
  })
})

describe('string[] params (relays.add addr)', () => {
  const schema = METHODS['relays.add'].params

  it('accepts an array of strings, and no array at all', () => {
    expect(validateParams(schema, { peerId: 'p', addr: ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2/ws'] }))
      .toEqual({ peerId: 'p', addr: ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/2/ws'] })
    expect(validateParams(schema, { peerId: 'p', addr: [] })).toEqual({ peerId: 'p', addr: [] })
    expect(validateParams(schema, { peerId: 'p' })).toEqual({ peerId: 'p' })
  })

  it('refuses a string, a non-string item, and too many items', () => {
    expect(() => validateParams(schema, { peerId: 'p', addr: '/ip4/127.0.0.1/tcp/1' })).toThrow(/"addr" must be an array, got a string/)
    expect(() => validateParams(schema, { peerId: 'p', addr: ['/ip4/127.0.0.1/tcp/1', 7] })).toThrow(/"addr" item 1 must be a string, got a number/)
    expect(() => validateParams(schema, { peerId: 'p', addr: Array.from({ length: 17 }, () => '/ip4/127.0.0.1/tcp/1') })).toThrow(/at most 16 items/)
  })

  it('relays.firstContact takes a boolean, or nothing (then it only reads the door)', () => {
    expect(validateParams(METHODS['relays.firstContact'].params, { open: false })).toEqual({ open: false })
    expect(validateParams(METHODS['relays.firstContact'].params, {})).toEqual({})
    expect(() => validateParams(METHODS['relays.firstContact'].params, { open: 'closed' })).toThrow(/"open" must be a boolean/)
  })
})

describe('bounds: a value a method cannot take is refused before it runs (issue 11)', () => {
  it('history: before at or above 2^53 (or 1e308), and a limit out of range', () => {
    const history = METHODS.history.params
    expect(validateParams(history, { to: 'bob', before: Number.MAX_SAFE_INTEGER })).toEqual({ to: 'bob', before: Number.MAX_SAFE_INTEGER })
    for (const before of [2 ** 53, 1e308, -1, 0.5]) {
      expect(() => validateParams(history, { to: 'bob', before }), String(before)).toThrow(InvalidParamsError)
    }
    expect(() => validateParams(history, { to: 'bob', before: 2 ** 53 })).toThrow(/"before" must be at most 9007199254740991/)
    expect(() => validateParams(history, { to: 'bob', limit: 1001 })).toThrow(/"limit" must be at most 1000/)
  })

  it('resend: a message id is 32 hex digits; names and peer IDs have a length cap', () => {
    expect(() => validateParams(METHODS.resend.params, { to: 'bob', messageId: 'a'.repeat(70_000) })).toThrow(/"messageId" must be a message id: 32 hex digits/)
    expect(() => validateParams(METHODS.resend.params, { to: 'bob', messageId: 'zz'.repeat(16) })).toThrow(InvalidParamsError)
    expect(validateParams(METHODS.resend.params, { to: 'bob', messageId: 'ab'.repeat(16) })).toEqual({ to: 'bob', messageId: 'ab'.repeat(16) })
    expect(() => validateParams(METHODS.send.params, { to: 'b'.repeat(257), text: 'hi' })).toThrow(/"to" must have at most 256 characters/)
    expect(() => validateParams(METHODS['contacts.add'].params, { name: 'n'.repeat(70_000), peerId: 'p' })).toThrow(/"name" must have at most 256 characters/)
  })

  it('every method\'s params have a JSON Schema with every string, number and array bounded', () => {
    const unbounded: string[] = []
    const visit = (path: string, node: Record<string, unknown>): void => {
      if (node.type === 'string' && node.maxLength === undefined && node.pattern === undefined && path !== 'send.text') unbounded.push(path)
      if ((node.type === 'number' || node.type === 'integer') && (node.maximum === undefined || node.minimum === undefined)) unbounded.push(path)
      if (node.type === 'array') {
        if (node.maxItems === undefined) unbounded.push(path)
        visit(`${path}[]`, node.items as Record<string, unknown>)
      }
    }
    for (const [name, method] of Object.entries(METHODS)) {
      const schema = paramsJsonSchema(method.params)
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false })
      for (const [param, node] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) visit(`${name}.${param}`, node)
    }
    expect(unbounded).toEqual([])
  })
})

describe('relay refusals', () => {
  it('carry their own JSON-RPC codes with data.name (a subclass keeps its own name)', () => {
    expect(toRpcError(new MailboxNotFoundError())).toMatchObject({ code: -32009, data: { name: 'MailboxNotFoundError' } })
    expect(toRpcError(new MailboxQuotaError())).toMatchObject({ code: -32011, data: { name: 'MailboxQuotaError' } })
    expect(toRpcError(new RelayRefusedError('MALFORMED'))).toMatchObject({ code: -32010, data: { name: 'RelayRefusedError' } })
  })

  it('are exit REFUSED in the CLI; not trusted says who must run what', () => {
    const notTrusted = relayCliError(new ApiRemoteError('Relay refused: NOT_FOUND', -32009, 'MailboxNotFoundError'), '12D3KooWexample')
    expect(notTrusted?.exitCode).toBe(ExitCode.REFUSED)
    expect(notTrusted?.errorName).toBe('MailboxNotFoundError')
    expect(notTrusted?.message).toBe('the relay does not trust you: ask its owner to run `murmur trust add 12D3KooWexample`')
    for (const err of [new MailboxQuotaError(), new EnvelopeTooLargeError(), new RelayRateLimitedError(), new RelayRefusedError('INTERNAL')]) {
      expect(relayCliError(err)?.exitCode, err.name).toBe(ExitCode.REFUSED)
      expect(relayCliError(new ApiRemoteError(err.message, -32010, err.name))?.exitCode, err.name).toBe(ExitCode.REFUSED)
    }
    expect(relayCliError(new RelayTimeoutError())?.exitCode).toBe(ExitCode.NETWORK)
    expect(relayCliError(new ContactNotFoundError())).toBeUndefined()
    expect(relayCliError('not an error')).toBeUndefined()
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
    const codes = Object.values(ERROR_CODES).flatMap((c) => c.rpc === undefined || c.rpc === RpcErrorCode.INVALID_PARAMS ? [] : [c.rpc])
    expect(new Set(codes).size).toBe(codes.length)
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(-32099)
  })

  it('the CLI turns every mapped remote error into a non-internal exit code', () => {
    for (const [name, { rpc }] of Object.entries(ERROR_CODES)) {
      if (rpc === undefined) continue
      const remote = new ApiRemoteError('msg', rpc, name)
      // Relay refusals are mapped by the relay commands (cli/commands/relays.ts).
      const cliError = relayCliError(remote) ?? toCliError(remote)
      expect(cliError.exitCode, name).not.toBe(ExitCode.INTERNAL)
      expect(cliError.errorName).toBe(name)
    }
    expect(toCliError(new ApiRemoteError('internal error: x', -32603, 'TypeError')).exitCode).toBe(ExitCode.INTERNAL)
  })
})

describe('docs/api.md', () => {
  it('publishes the params JSON Schema that the server enforces (run `npm run docs:api` when it changes)', async () => {
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8')
    expect(doc).toContain(renderParamsSchemaBlock())
    expect(withSchemaBlock(doc)).toBe(doc)
  })

  it('documents every method and every event', async () => {
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8')
    for (const name of Object.keys(METHODS)) expect(doc, name).toContain(`| \`${name}\` |`)
    for (const name of EVENT_NAMES) expect(doc, name).toContain(`| \`${name}\` |`)
    // And the stream serves every event the table lists (`?events=<name>` is 400 for any other).
    const section = doc.slice(doc.indexOf('## Events: `GET /events`'), doc.indexOf('## Client'))
    const listed = [...section.matchAll(/^\| `([a-z:]+)` \|/gm)].map(m => m[1])
    expect(listed.length).toBeGreaterThan(0)
    expect([...EVENT_NAMES].sort()).toEqual(listed.sort())
    // The error table: test/errors/codes.test.ts.
  })
})
