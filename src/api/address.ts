/**
 * Parsing and checking the `--api <host:port>` option. The API is bound to loopback unless the
 * user explicitly allows a remote bind (DESIGN.md "Local API and CLI": "serves the API on
 * 127.0.0.1"); the bearer token alone is not meant to face a network.
 */
import { isIP } from 'node:net'
import { InvalidApiAddressError } from './errors.js'

export const DEFAULT_API_HOST = '127.0.0.1'

export interface ApiListenAddress {
  host: string
  port: number
}

/** Parses `host:port`, `[v6]:port`, or a bare `:port` / `port` (host 127.0.0.1). */
export function parseApiAddress (value: string): ApiListenAddress {
  let host: string
  let portText: string
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(value)
  if (v6 !== null) {
    host = v6[1]
    portText = v6[2]
  } else if (/^\d+$/.test(value)) {
    host = DEFAULT_API_HOST
    portText = value
  } else {
    const i = value.lastIndexOf(':')
    if (i < 0) throw new InvalidApiAddressError(`--api must be host:port, got "${value}"`)
    host = value.slice(0, i) === '' ? DEFAULT_API_HOST : value.slice(0, i)
    portText = value.slice(i + 1)
  }
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) throw new InvalidApiAddressError(`--api has an invalid port "${portText}"`)
  if (host.includes(':') && isIP(host) !== 6) throw new InvalidApiAddressError(`--api has an invalid host "${host}"`)
  return { host, port }
}

export function isLoopbackHost (host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host)
  return false
}

/** Refuses a non-loopback bind unless allowRemote is set. */
export function checkApiAddress (address: ApiListenAddress, allowRemote: boolean): void {
  if (!allowRemote && !isLoopbackHost(address.host)) {
    throw new InvalidApiAddressError(`refusing to serve the API on ${address.host}, which is not a loopback address; ` +
      'pass --api-allow-remote to allow it (anyone who can reach it and holds the token controls your node)')
  }
}

/** host:port as written into api.address and used in URLs ([v6]:port for IPv6). */
export function formatApiAddress (host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`
}
