/**
 * Sign-in of the web app (docs/web.md "Signing in"). The bearer token never appears in a URL:
 * `murmur start` and `murmur open` print a URL whose fragment carries a one-time code (a
 * fragment is never sent to a server, so it reaches no log); the page trades the code for a
 * session cookie (HttpOnly, SameSite=Strict) and drops the fragment from its history entry.
 *
 * Codes live in memory, are single use and expire after CODE_TTL_MS. Sessions are kept in the
 * home (only their SHA-256, mode 0600) so that a page reconnects by itself after the node
 * restarts; they expire after SESSION_TTL_MS.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmod, open, readFile, rename } from 'node:fs/promises'
import { logger } from '@libp2p/logger'

const log = logger('murmur:api:web')

export const CODE_TTL_MS = 10 * 60_000
export const SESSION_TTL_MS = 30 * 24 * 3600_000
/** Outstanding codes and stored sessions are bounded; the oldest go first. */
export const MAX_CODES = 16
export const MAX_SESSIONS = 64
const SECRET_BYTES = 32

export interface IssuedCode {
  code: string
  expiresAt: number
}

interface StoredSession {
  hash: string
  expiresAt: number
}

function sha256 (value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export class WebSessions {
  private readonly file: string | undefined
  private readonly codes = new Map<string, number>()
  private sessions: StoredSession[] = []
  private writing: Promise<void> = Promise.resolve()

  /** `file`: where sessions persist (undefined: memory only). */
  constructor (file?: string) {
    this.file = file
  }

  /** Reads stored sessions; a missing or unreadable file means none (signing in again fixes it). */
  async load (now = Date.now()): Promise<void> {
    if (this.file === undefined) return
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'))
      if (Array.isArray(parsed)) {
        this.sessions = parsed.filter((s): s is StoredSession =>
          typeof s?.hash === 'string' && typeof s?.expiresAt === 'number' && s.expiresAt > now)
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.error('web sessions file unreadable, starting without sessions: %s', (err as Error).name)
    }
  }

  issueCode (now = Date.now()): IssuedCode {
    for (const [code, expiresAt] of this.codes) if (expiresAt <= now) this.codes.delete(code)
    while (this.codes.size >= MAX_CODES) this.codes.delete(this.codes.keys().next().value as string)
    const code = randomBytes(SECRET_BYTES).toString('base64url')
    const expiresAt = now + CODE_TTL_MS
    this.codes.set(code, expiresAt)
    return { code, expiresAt }
  }

  /**
   * Trades a valid code (once) for a new session secret; undefined for anything else. The
   * session is valid at once; the file is written after (flush() waits for it): a sign-in does
   * not wait for the disk, and a session lost to a crash only means signing in again.
   */
  redeem (code: string, now = Date.now()): { secret: string, maxAgeSeconds: number } | undefined {
    const expiresAt = this.codes.get(code)
    if (expiresAt === undefined) return undefined
    this.codes.delete(code)
    if (expiresAt <= now) return undefined
    const secret = randomBytes(SECRET_BYTES).toString('base64url')
    this.sessions = this.sessions.filter(s => s.expiresAt > now)
    this.sessions.push({ hash: sha256(secret), expiresAt: now + SESSION_TTL_MS })
    if (this.sessions.length > MAX_SESSIONS) this.sessions = this.sessions.slice(-MAX_SESSIONS)
    this.save().catch((err: unknown) => { log.error('web sessions file not written: %s', (err as Error).name) })
    return { secret, maxAgeSeconds: SESSION_TTL_MS / 1000 }
  }

  isValid (secret: string, now = Date.now()): boolean {
    const hash = sha256(secret)
    let valid = false
    // Every stored hash is compared, so the time taken does not say which one matched.
    for (const s of this.sessions) if (sameHash(s.hash, hash) && s.expiresAt > now) valid = true
    return valid
  }

  /** Ends one session (sign out). */
  async revoke (secret: string): Promise<void> {
    const hash = sha256(secret)
    const before = this.sessions.length
    this.sessions = this.sessions.filter(s => !sameHash(s.hash, hash))
    if (this.sessions.length !== before) await this.save()
  }

  /** Waits until every change so far is in the file (or failed to be written). */
  async flush (): Promise<void> {
    await this.writing.catch(() => {})
  }

  private async save (): Promise<void> {
    const file = this.file
    if (file === undefined) return
    const contents = JSON.stringify(this.sessions)
    // Writes are chained so that two sign-ins at once cannot interleave their files.
    this.writing = this.writing.catch(() => {}).then(async () => {
      const tmp = `${file}.tmp`
      // No fsync: a session lost to a crash only means signing in again. The rename keeps
      // the file whole.
      const handle = await open(tmp, 'w', 0o600)
      try {
        await handle.writeFile(contents)
      } finally {
        await handle.close()
      }
      await chmod(tmp, 0o600)
      await rename(tmp, file)
    })
    await this.writing
  }
}

/** The session cookie's name: one per port, as cookies are shared by every port of a host. */
export function sessionCookieName (port: number): string {
  return `murmur_session_${port}`
}

/** Reads one cookie from a Cookie header. */
export function readCookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim()
  }
  return undefined
}

export function sessionCookie (name: string, secret: string, maxAgeSeconds: number): string {
  return `${name}=${secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`
}
