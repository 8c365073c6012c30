/**
 * The web app's side of the server (docs/web.md): its files with their content types and
 * caching, the one-time code -> session cookie exchange, Host and Origin checks, and the
 * Content-Security-Policy. Raw HTTP (node:http), so that Host and Origin can be set freely.
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startDaemon } from '../../src/api/daemon.js'
import { CODE_TTL_MS, WebSessions } from '../../src/api/web/sessions.js'
import { defaultWebRoot } from '../../src/api/web/static.js'
import { createMurmur } from '../../src/messenger/index.js'
import { homePath } from '../../src/messenger/home.js'
import { rpc, startTestNode, type TestNode } from './helpers.js'

interface RawResponse { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

async function raw (node: TestNode, path: string, options: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<RawResponse> {
  const [host, port] = [node.daemon.api.host, node.daemon.api.port]
  return await new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: options.method ?? 'GET', headers: { Host: `${host}:${port}`, ...options.headers }, signal: AbortSignal.timeout(15_000) }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const rpcBody = (method: string, params: unknown = {}): string => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })

/** Signs in with a fresh code; returns the Cookie header value. */
async function signIn (node: TestNode): Promise<string> {
  const { code } = node.daemon.api.issueWebSignIn()
  const res = await raw(node, '/session', { method: 'POST', headers: { Origin: `http://${node.daemon.api.address}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })
  expect(res.status).toBe(200)
  const setCookie = String(res.headers['set-cookie'])
  return setCookie.split(';')[0]
}

describe('the web app on the local API server', () => {
  let node: TestNode
  let origin: string

  beforeAll(async () => {
    node = await startTestNode()
    origin = `http://${node.daemon.api.address}`
  })
  afterAll(async () => { await node?.cleanup() })

  it('serves index.html and the hashed assets with content types, caching and gzip', async () => {
    const page = await raw(node, '/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['cache-control']).toBe('no-cache')
    const html = page.body.toString('utf8')
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1]
    const style = /href="(\/assets\/main-[A-Z0-9]+\.css)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    expect(style).toBeDefined()

    const js = await raw(node, script as string, { headers: { 'Accept-Encoding': 'gzip, br' } })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.headers['content-encoding']).toBe('gzip')
    expect(js.headers.vary).toBe('Accept-Encoding')
    const plain = await readFile(join(defaultWebRoot(), script as string))
    expect(gunzipSync(js.body).equals(plain)).toBe(true)

    const css = await raw(node, style as string)
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(css.headers['content-encoding']).toBeUndefined()
    expect(css.body.length).toBe((await stat(join(defaultWebRoot(), style as string))).size)

    const again = await raw(node, '/', { headers: { 'If-None-Match': String(page.headers.etag) } })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect((await raw(node, '/icon.svg')).headers['content-type']).toBe('image/svg+xml')
    expect((await raw(node, '/assets/../../package.json')).status).toBe(404)
  })

  it('sends a strict Content-Security-Policy and the other protective headers', async () => {
    const page = await raw(node, '/')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("require-trusted-types-for 'script'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    // The one inline script (the boot script) is allowed by its own hash, and no other.
    const inline = [...page.body.toString('utf8').matchAll(/<script>([^<]*)<\/script>/g)].map(m => m[1])
    expect(inline).toHaveLength(1)
    const hash = createHash('sha256').update(inline[0]).digest('base64')
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}';`)
    expect(csp.match(/'sha256-/g)).toHaveLength(1)
    // The API's answers carry the same policy, without the page's script.
    expect((await raw(node, '/rpc', { method: 'POST', body: rpcBody('id') })).headers['content-security-policy']).toBe(csp.replace(` 'sha256-${hash}'`, ''))
  })

  it('trades a one-time code for an HttpOnly SameSite=Strict cookie, once', async () => {
    const { code, url } = node.daemon.api.issueWebSignIn()
    expect(url).toBe(`${origin}/#code=${code}`)
    expect(url).not.toContain(node.token)
    const first = await raw(node, '/session', { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })
    expect(first.status).toBe(200)
    const cookie = String(first.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^murmur_session_${node.daemon.api.port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=\\d+$`))
    expect(cookie).not.toContain(node.token)
    const second = await raw(node, '/session', { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })
    expect(second.status).toBe(401)
    expect(second.headers['set-cookie']).toBeUndefined()

    const session = cookie.split(';')[0]
    const id = await raw(node, '/rpc', { method: 'POST', headers: { Cookie: session, Origin: origin, 'Content-Type': 'application/json' }, body: rpcBody('id') })
    expect(id.status).toBe(200)
    expect(JSON.parse(id.body.toString()).result.peerId).toBe(node.daemon.id.peerId)
  })

  it('refuses /rpc and /events without the cookie or the token, and a made-up cookie', async () => {
    expect((await raw(node, '/rpc', { method: 'POST', headers: { Origin: origin }, body: rpcBody('contacts.add', { name: 'x', peerId: node.daemon.id.peerId }) })).status).toBe(401)
    expect((await raw(node, '/events', { headers: { 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(401)
    const forged = `murmur_session_${node.daemon.api.port}=${'A'.repeat(43)}`
    expect((await raw(node, '/rpc', { method: 'POST', headers: { Cookie: forged, Origin: origin }, body: rpcBody('id') })).status).toBe(401)
    expect((await rpc(node, 'contacts.list')).body.result).toEqual([])
  })

  it('refuses another origin (403) even with a valid cookie or token, and nothing changes', async () => {
    const cookie = await signIn(node)
    const add = rpcBody('contacts.add', { name: 'mallory', peerId: '12D3KooWKnDmJgjcBBPNwvcoGR46oLR6NsJtzjaTsXnUU4YCaZoX' })
    const foreign = await raw(node, '/rpc', { method: 'POST', headers: { Cookie: cookie, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: add })
    expect(foreign.status).toBe(403)
    const otherPort = await raw(node, '/rpc', { method: 'POST', headers: { Cookie: cookie, Origin: `http://127.0.0.1:${node.daemon.api.port + 1}`, 'Content-Type': 'application/json' }, body: add })
    expect(otherPort.status).toBe(403)
    const crossSite = await raw(node, '/events', { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    // A link from another site may open the page itself; only the API is same-origin only.
    expect((await raw(node, '/', { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200)
    const withToken = await raw(node, '/rpc', { method: 'POST', headers: { Authorization: `Bearer ${node.token}`, Origin: 'http://evil.example' }, body: add })
    expect(withToken.status).toBe(403)
    const signInFromElsewhere = await raw(node, '/session', { method: 'POST', headers: { Origin: 'http://evil.example' }, body: JSON.stringify({ code: node.daemon.api.issueWebSignIn().code }) })
    expect(signInFromElsewhere.status).toBe(403)
    expect((await rpc(node, 'contacts.list')).body.result).toEqual([])
  })

  it('refuses a Host that is a DNS name (rebinding) or another port (421), even with the token', async () => {
    const id = rpcBody('id')
    for (const host of ['evil.example', `evil.example:${node.daemon.api.port}`, `127.0.0.1:${node.daemon.api.port + 1}`, `[::1]:${node.daemon.api.port + 1}`]) {
      const res = await raw(node, '/rpc', { method: 'POST', headers: { Host: host, Authorization: `Bearer ${node.token}` }, body: id })
      expect(res.status, host).toBe(421)
    }
    expect((await raw(node, '/', { headers: { Host: `attacker.example:${node.daemon.api.port}` } })).status).toBe(421)
    for (const host of [`localhost:${node.daemon.api.port}`, `127.0.0.1:${node.daemon.api.port}`]) {
      expect((await raw(node, '/rpc', { method: 'POST', headers: { Host: host, Authorization: `Bearer ${node.token}` }, body: id })).status).toBe(200)
    }
  })

  it('signs out: the cookie stops working', async () => {
    const cookie = await signIn(node)
    const out = await raw(node, '/session', { method: 'DELETE', headers: { Cookie: cookie, Origin: origin } })
    expect(out.status).toBe(200)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    expect((await raw(node, '/rpc', { method: 'POST', headers: { Cookie: cookie, Origin: origin }, body: rpcBody('id') })).status).toBe(401)
  })

  it('signing out ends the event streams that session opened, and only those', async () => {
    const [cookie, other] = [await signIn(node), await signIn(node)]
    const [host, port] = [node.daemon.api.host, node.daemon.api.port]
    // An open stream, once its subscription is live (`: ready`): what a page holds, or a
    // program that replayed the cookie.
    const open = async (headers: Record<string, string>): Promise<{ text: () => string, ended: () => boolean, close: () => void }> => await new Promise((resolve, reject) => {
      const req = request({ host, port, path: '/events', headers: { Host: `${host}:${port}`, Origin: origin, ...headers } }, (res) => {
        let text = ''
        let ended = false
        res.on('end', () => { ended = true })
        res.on('data', (c: Buffer) => {
          text += c.toString()
          if (text.includes(': ready')) resolve({ text: () => text, ended: () => ended, close: () => { req.destroy() } })
        })
      })
      req.on('error', reject)
      req.end()
    })
    const streams = await Promise.all([open({ Cookie: cookie }), open({ Cookie: other }), open({ Authorization: `Bearer ${node.token}` })])
    const [signedOut, stillIn, byToken] = streams
    try {
      expect((await raw(node, '/session', { method: 'DELETE', headers: { Cookie: cookie, Origin: origin } })).status).toBe(200)
      await vi.waitFor(() => { expect(signedOut.ended(), 'the signed-out stream ended').toBe(true) }, { timeout: 10_000, interval: 20 })
      // The others go on: an event sent now reaches both.
      node.daemon.murmur.events.emit('session:reset', { peerId: node.daemon.id.peerId, reason: 'a test event' })
      await vi.waitFor(() => {
        for (const s of [stillIn, byToken]) expect(s.text()).toContain('event: session:reset')
      }, { timeout: 10_000, interval: 20 })
      expect(signedOut.text()).not.toContain('event: session:reset')
    } finally {
      for (const s of streams) s.close()
    }
  })

  it('web.open answers a one-time sign-in URL on the API', async () => {
    const res = await rpc(node, 'web.open')
    expect(res.body.result.url).toMatch(new RegExp(`^${origin}/#code=[A-Za-z0-9_-]{43}$`))
    expect(res.body.result.expiresAt).toBeGreaterThan(Date.now())
  })
})

describe('web sessions', () => {
  it('codes expire and are single use; sessions survive a restart of the node (kept hashed, mode 0600)', async () => {
    const sessions = new WebSessions()
    const now = Date.now()
    const late = sessions.issueCode(now)
    expect(sessions.redeem(late.code, now + CODE_TTL_MS + 1)).toBeUndefined()
    expect(sessions.redeem('not-a-code', now)).toBeUndefined()

    const node = await startTestNode()
    try {
      const cookie = await signIn(node)
      // Restart on the same home and port: the page's cookie still works. (The sign-in is
      // answered before the file is written; stopping the node waits for the write.)
      const { port } = node.daemon.api
      await node.daemon.stop()
      const file = homePath(node.home, 'webSessions')
      expect((await stat(file)).mode & 0o777).toBe(0o600)
      expect(await readFile(file, 'utf8')).not.toContain(cookie.split('=')[1])
      const daemon = await startDaemon({ home: node.home, api: `127.0.0.1:${port}`, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }, createMurmur)
      try {
        const again = { ...node, daemon }
        const res = await raw(again, '/rpc', { method: 'POST', headers: { Cookie: cookie, Origin: `http://${daemon.api.address}` }, body: rpcBody('id') })
        expect(res.status).toBe(200)
      } finally {
        await daemon.stop()
      }
    } finally {
      await node.cleanup()
    }
  })
})
