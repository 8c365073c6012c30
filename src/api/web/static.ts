/**
 * Serves the web app's built files (dist/web, made by `npm run build` from web/) with their
 * content types and caching (docs/web.md "Serving"). The files are few and small: they are read
 * once at start and kept in memory, each with its gzip twin written by the build.
 *
 * Caching: files under /assets/ carry a content hash in their name and never change, so they
 * are cached for a year (`immutable`); index.html and the rest are revalidated on every load
 * (`no-cache` + ETag), so a new build is picked up at once.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { extname, join, relative, resolve, sep } from 'node:path'
import { contentSecurityPolicy } from './headers.js'

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8'
}

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

interface StaticFile {
  body: Buffer
  /** HTML only: the policy allowing its inline boot script (web/build.mjs). */
  csp?: string
  gzip?: Buffer
  type: string
  etag: string
  cacheControl: string
}

export interface StaticFiles {
  /** Answers a GET or HEAD for a known path; false when there is no such file. */
  serve: (req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string>) => boolean
  readonly size: number
}

/**
 * Where the built web app is: dist/web, in the dist folder this module runs from (compiled as
 * dist/src/api/web/static.js, or bundled into a chunk of dist/cli/stack by cli/build.mjs), and
 * the same dist/web when tests run the TypeScript sources.
 */
export function defaultWebRoot (): string {
  const here = import.meta.dirname
  const parts = here.split(sep)
  const dist = parts.lastIndexOf('dist')
  return dist !== -1 ? join(parts.slice(0, dist + 1).join(sep) || sep, 'web') : resolve(here, '../../../dist/web')
}

async function listFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
}

/** The hashes of index.html's inline scripts, as the build wrote them into build.json. */
async function readScriptHashes (root: string): Promise<string[]> {
  try {
    const build = JSON.parse(await readFile(join(root, 'build.json'), 'utf8')) as { scriptHashes?: unknown }
    return Array.isArray(build.scriptHashes) ? build.scriptHashes.filter((h): h is string => typeof h === 'string' && /^sha256-[A-Za-z0-9+/]+=*$/.test(h)) : []
  } catch {
    // No build.json: no inline script is allowed, and a page that has one does not start.
    return []
  }
}

/** Reads every file under `root` (none when it does not exist: the app is not built). */
export async function loadStaticFiles (root: string): Promise<StaticFiles> {
  const files = new Map<string, StaticFile>()
  if (existsSync(root)) {
    const paths = await listFiles(root)
    const scriptHashes = await readScriptHashes(root)
    for (const path of paths) {
      const ext = extname(path)
      if (ext === '.gz' || ext === '.map') continue
      const type = CONTENT_TYPES[ext]
      if (type === undefined) continue
      const urlPath = '/' + relative(root, path).split(sep).join('/')
      const body = await readFile(path)
      const gzipPath = `${path}.gz`
      const gzip = paths.includes(gzipPath) ? await readFile(gzipPath) : undefined
      files.set(urlPath, {
        body,
        ...(gzip !== undefined ? { gzip } : {}),
        type,
        ...(ext === '.html' ? { csp: contentSecurityPolicy(scriptHashes) } : {}),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE
      })
    }
  }
  return {
    size: files.size,
    serve: (req, res, pathname, headers) => {
      const file = files.get(pathname === '/' ? '/index.html' : pathname)
      if (file === undefined) return false
      const common = { ...headers, ...(file.csp !== undefined ? { 'Content-Security-Policy': file.csp } : {}), 'Content-Type': file.type, 'Cache-Control': file.cacheControl, ETag: file.etag, Vary: 'Accept-Encoding' }
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, common).end()
        return true
      }
      const gzip = file.gzip !== undefined && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
      const body = gzip ? file.gzip as Buffer : file.body
      res.writeHead(200, { ...common, 'Content-Length': body.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) })
      res.end(req.method === 'HEAD' ? undefined : body)
      return true
    }
  }
}
