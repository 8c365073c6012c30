/**
 * JSON-RPC params, declared with zod (https://zod.dev): each method declares its params once
 * (src/api/methods.ts) as a strict object schema, and every request is checked against it
 * before anything runs, so a refused request changes nothing (docs/api.md "Errors"). The same
 * schemas produce the JSON Schema published in docs/api.md ("Params as JSON Schema").
 *
 * Every string, number and array has a bound: a value the store or a method cannot take (a
 * `before` of 1e308, a 70,000-character message id) is refused here as -32602, never reaches
 * the method, and never becomes an internal error.
 */
import { z } from 'zod'
import { InvalidParamsError } from './errors.js'

export { z }

/** The params of a method: named params only, unknown ones refused (a typo must not become a default). */
export type ParamSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>

/** The TypeScript type of validated params. */
export type ParamsOf<S extends ParamSchema> = z.output<S>

/** Declares a method's params: a strict object (unknown params are refused). */
export function params<const Shape extends z.ZodRawShape> (shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  return z.strictObject(shape)
}

/** The default cap on the items of an array param: a request must stay small. */
export const MAX_PARAM_ITEMS = 32
/** The longest contact name, peer ID or other short string param, in characters. */
export const MAX_SHORT_STRING = 256

/** A short string (a name, a peer ID, an address): at most MAX_SHORT_STRING characters. */
export function shortString (description: string): z.ZodString {
  return z.string().max(MAX_SHORT_STRING).describe(description)
}

/** A whole number in [min, max] (JSON numbers above 2^53 are not whole numbers we can store). */
export function integer (min: number, max: number, description: string): z.ZodNumber {
  return z.number().int().min(min).max(max).describe(description)
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object'
}

/** One zod issue as a sentence naming the param (and the item of an array param). */
function sentence (issue: z.core.$ZodIssue, schema: ParamSchema): string {
  const [name, item] = issue.path
  if (name === undefined) {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(schema.shape)
      return `unknown param "${issue.keys[0]}"${known.length > 0 ? ` (expected: ${known.join(', ')})` : ' (this method takes none)'}`
    }
    return 'params must be an object of named params'
  }
  const param = `param "${String(name)}"${item !== undefined ? ` item ${String(item)}` : ''}`
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined && item === undefined) {
        const field = schema.shape[String(name)]
        const description = field !== undefined ? z.globalRegistry.get(field)?.description : undefined
        return `missing param "${String(name)}"${description !== undefined ? ` (${description})` : ''}`
      }
      return `${param} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`
    }
    case 'too_big':
    case 'too_small': {
      const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum)
      const side = issue.code === 'too_big' ? 'at most' : 'at least'
      if (issue.origin === 'string') return `${param} must have ${side} ${bound} characters`
      if (issue.origin === 'array') return `${param} must have ${side} ${bound} items`
      return `${param} must be ${side} ${bound}`
    }
    case 'invalid_format':
      return `${param} ${issue.message}`
    default:
      return `${param}: ${issue.message}`
  }
}

/**
 * Checks `params` (absent, or a JSON object: JSON-RPC by-name params) against `schema` and
 * returns it typed. Throws InvalidParamsError naming the first param at fault.
 */
export function validateParams<S extends ParamSchema> (schema: S, params: unknown): ParamsOf<S> {
  const result = schema.safeParse(params === undefined ? {} : params, { reportInput: true })
  if (result.success) return result.data
  throw new InvalidParamsError(sentence(result.error.issues[0], schema))
}

/** The JSON Schema (draft 2020-12) of a method's params, as docs/api.md publishes it. */
export function paramsJsonSchema (schema: ParamSchema): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>
  return rest
}
