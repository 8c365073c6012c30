/**
 * The API bearer token (DESIGN.md "Local API and CLI"): 32 random bytes, base64url, and how
 * the server checks one. The files it is kept in are api-files.ts's.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const API_TOKEN_BYTES = 32

export function generateApiToken (): string {
  return randomBytes(API_TOKEN_BYTES).toString('base64url')
}

/**
 * Compares a presented token with the expected one in constant time. Both are hashed first so
 * that timingSafeEqual sees equal lengths and the length of the secret does not leak either.
 */
export function tokenMatches (expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(presented).digest()
  return timingSafeEqual(a, b)
}

/** Reads the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken (header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer +(\S+) *$/i.exec(header)
  return match?.[1]
}
