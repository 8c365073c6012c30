/**
 * Host and Origin checks of the local API (DESIGN.md "Local API, web app and CLI"; docs/web.md
 * "Security").
 *
 * - Host: a page on attacker.example whose name is re-pointed at 127.0.0.1 (DNS rebinding)
 *   reaches this server with `Host: attacker.example:PORT`. Only IP literals and `localhost`
 *   are accepted, with our port: a rebinding attack always carries a DNS name.
 * - Origin: a browser names the page that made a request. Cookies are not scoped by port, and
 *   SameSite treats every port of 127.0.0.1 as the same site, so a page served by another local
 *   program would carry our cookie; only our own origin may use it.
 */
import { isIP } from 'node:net'
import type { IncomingHttpHeaders } from 'node:http'

/** Splits `host:port` / `[v6]:port`; undefined when malformed. */
function splitHost (value: string): { host: string, port: number | undefined } | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value)
  if (v6 !== null) return { host: v6[1], port: v6[2] !== undefined ? Number(v6[2]) : undefined }
  const plain = /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(value)
  if (plain === null) return undefined
  return { host: plain[1], port: plain[2] !== undefined ? Number(plain[2]) : undefined }
}

/**
 * Checks the Host header against the port this server listens on. Returns why it is refused,
 * or undefined when it is acceptable.
 */
export function hostProblem (hostHeader: string | undefined, port: number): string | undefined {
  if (hostHeader === undefined || hostHeader === '') return 'a Host header is required'
  const parsed = splitHost(hostHeader.trim())
  if (parsed === undefined) return 'the Host header is malformed'
  const name = parsed.host.toLowerCase()
  if (name !== 'localhost' && isIP(name) === 0) return `Host "${hostHeader}" is not an IP address or localhost (DNS rebinding is refused)`
  // HTTP clients send the port unless it is the scheme's default (80 for http).
  if ((parsed.port ?? 80) !== port) return `Host "${hostHeader}" names another port`
  return undefined
}

export type OriginCheck = 'same' | 'absent' | 'foreign'

/**
 * Compares the request's Origin (and, when the browser sends it, Sec-Fetch-Site) with the
 * origin of the Host it was sent to. `absent`: no Origin, and no sign that another site made it.
 */
export function originCheck (headers: IncomingHttpHeaders): OriginCheck {
  const site = headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'foreign'
  const origin = headers.origin
  if (origin === undefined) return site === 'same-origin' ? 'same' : 'absent'
  return origin === `http://${headers.host ?? ''}` ? 'same' : 'foreign'
}
