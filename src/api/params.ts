/**
 * A small schema for JSON-RPC params: each method declares its params once (src/api/methods.ts)
 * and every request is checked against it before anything runs, so a refused request changes
 * nothing. Unknown params are refused too: a typo must not silently become a default.
 */
import { InvalidParamsError } from './errors.js'

export type ParamType = 'string' | 'integer' | 'number' | 'boolean' | 'string[]'

export interface ParamSpec {
  type: ParamType
  required?: boolean
  /** Inclusive bounds for numbers. */
  min?: number
  max?: number
  /** For 'string[]': at most this many items (default MAX_PARAM_ITEMS). */
  maxItems?: number
  description: string
}

export type ParamSchema = Record<string, ParamSpec>

/** The default cap on the items of a 'string[]' param: a request must stay small. */
export const MAX_PARAM_ITEMS = 32

type TypeOf<T extends ParamType> =
  T extends 'string' ? string : T extends 'boolean' ? boolean : T extends 'string[]' ? string[] : number

/** The TypeScript type of validated params: required keys present, optional ones optional. */
export type ParamsOf<S extends ParamSchema> =
  { [K in keyof S as S[K]['required'] extends true ? K : never]: TypeOf<S[K]['type']> } &
  { [K in keyof S as S[K]['required'] extends true ? never : K]?: TypeOf<S[K]['type']> }

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function checkType (name: string, spec: ParamSpec, value: unknown): void {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') throw new InvalidParamsError(`param "${name}" must be a string, got ${describe(value)}`)
      return
    case 'string[]': {
      if (!Array.isArray(value)) throw new InvalidParamsError(`param "${name}" must be an array of strings, got ${describe(value)}`)
      const bad = value.findIndex(item => typeof item !== 'string')
      if (bad >= 0) throw new InvalidParamsError(`param "${name}" must be an array of strings, item ${bad} is ${describe(value[bad])}`)
      const maxItems = spec.maxItems ?? MAX_PARAM_ITEMS
      if (value.length > maxItems) throw new InvalidParamsError(`param "${name}" must have at most ${maxItems} items`)
      return
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new InvalidParamsError(`param "${name}" must be a boolean, got ${describe(value)}`)
      return
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidParamsError(`param "${name}" must be a number, got ${describe(value)}`)
      if (spec.type === 'integer' && !Number.isInteger(value)) throw new InvalidParamsError(`param "${name}" must be an integer`)
      if (spec.min !== undefined && value < spec.min) throw new InvalidParamsError(`param "${name}" must be at least ${spec.min}`)
      if (spec.max !== undefined && value > spec.max) throw new InvalidParamsError(`param "${name}" must be at most ${spec.max}`)
    }
  }
}

/**
 * Checks `params` (absent, or a JSON object: JSON-RPC by-name params) against `schema` and
 * returns it typed. Throws InvalidParamsError naming the first param at fault.
 */
export function validateParams<S extends ParamSchema> (schema: S, params: unknown): ParamsOf<S> {
  if (params === undefined) params = {}
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidParamsError('params must be an object of named params')
  }
  const record = params as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(schema, key)) {
      const known = Object.keys(schema)
      throw new InvalidParamsError(`unknown param "${key}"${known.length > 0 ? ` (expected: ${known.join(', ')})` : ' (this method takes none)'}`)
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = record[name]
    if (value === undefined) {
      if (spec.required === true) throw new InvalidParamsError(`missing param "${name}" (${spec.description})`)
      continue
    }
    checkType(name, spec, value)
  }
  return record as ParamsOf<S>
}
