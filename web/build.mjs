// Builds the web app (web/src) into dist/web: one ES module bundle with lazily loaded chunks
// (the QR reader), a small boot script inlined into index.html, one stylesheet, content-hashed
// names under assets/ (served as immutable), index.html naming them, and a gzip twin of every
// text file (docs/web.md "Serving").
// Run by `npm run build` (and so by `npm ci` through prepare).
import { build } from 'esbuild'
import { createHash } from 'node:crypto'
import { gzipSync, constants } from 'node:zlib'
import { mkdir, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'

const here = import.meta.dirname
const out = resolve(here, '../dist/web')

await rm(out, { recursive: true, force: true })
await mkdir(join(out, 'assets'), { recursive: true })

const result = await build({
  entryPoints: [join(here, 'src/main.tsx')],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome120', 'firefox121', 'safari17'],
  minify: true,
  // Errors are named after their class (src/errors/murmur-error.ts): keep class names.
  keepNames: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: out,
  entryNames: 'assets/[name]-[hash]',
  chunkNames: 'assets/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning'
})

const outputs = Object.entries(result.metafile.outputs)
const entry = outputs.find(([, o]) => o.entryPoint !== undefined && o.entryPoint.endsWith('main.tsx'))
if (entry === undefined) throw new Error('the web build made no entry bundle')
const script = '/' + relative(out, resolve(entry[0]))
const style = entry[1].cssBundle !== undefined ? '/' + relative(out, resolve(entry[1].cssBundle)) : undefined

// The boot script (web/src/boot.ts) is inlined, so that sign-in, the event stream and the
// first read start while the module is still on its way. It is allowed by its SHA-256 in the
// Content-Security-Policy (src/api/web/headers.ts), not by 'unsafe-inline'. It comes before
// the stylesheet: a classic script after a pending stylesheet would wait for it.
const inline = await build({
  entryPoints: [join(here, 'src/boot-inline.ts')],
  bundle: true,
  format: 'iife',
  target: ['chrome120', 'firefox121', 'safari17'],
  minify: true,
  keepNames: true,
  write: false,
  legalComments: 'none',
  logLevel: 'warning'
})
const bootScript = inline.outputFiles[0].text.trim()
if (/<\/script|<!--/i.test(bootScript)) throw new Error('the boot script cannot be inlined as it is')
const scriptHashes = [`sha256-${createHash('sha256').update(bootScript).digest('base64')}`]

const template = await readFile(join(here, 'index.html'), 'utf8')
const html = template
  .replace('<!-- BOOT -->', `<script>${bootScript}</script>`)
  .replace('<!-- STYLE -->', style !== undefined ? `<link rel="stylesheet" href="${style}">` : '')
  .replace('<!-- SCRIPT -->', [
    `<script type="module" src="${script}"></script>`,
    // The entry's static imports, fetched beside it rather than after it is parsed.
    ...entry[1].imports.filter(i => i.kind === 'import-statement').map(i => `<link rel="modulepreload" href="/${relative(out, resolve(i.path))}">`)
  ].join('\n'))
await writeFile(join(out, 'index.html'), html)
for (const name of await readdir(join(here, 'public'))) await copyFile(join(here, 'public', name), join(out, name))

// Precompressed twins: the server sends them to clients that accept gzip.
async function * walk (dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name)
    if (e.isDirectory()) yield * walk(path)
    else yield path
  }
}
// jsInline: the boot script inlined into index.html, gzipped on its own (it is JS the page loads too).
const sizes = { js: 0, css: 0, jsInitial: 0, jsInline: gzipSync(bootScript, { level: constants.Z_BEST_COMPRESSION }).length }
const initial = new Set([resolve(entry[0]), ...entry[1].imports.filter(i => i.kind === 'import-statement').map(i => resolve(i.path))])
for await (const path of walk(out)) {
  if (!/\.(html|js|css|svg|json|webmanifest|txt)$/.test(path)) continue
  const gz = gzipSync(await readFile(path), { level: constants.Z_BEST_COMPRESSION })
  await writeFile(`${path}.gz`, gz)
  if (path.endsWith('.js')) { sizes.js += gz.length; if (initial.has(path)) sizes.jsInitial += gz.length }
  if (path.endsWith('.css')) sizes.css += gz.length
}
await mkdir(dirname(join(out, 'build.json')), { recursive: true })
await writeFile(join(out, 'build.json'), JSON.stringify({ script, style, scriptHashes, gzipBytes: sizes }, null, 2) + '\n')
if (process.env.CI === undefined) console.log(`web app: ${basename(script)}, gzipped: initial JS ${sizes.jsInitial} B + inline ${sizes.jsInline} B, all JS ${sizes.js} B, CSS ${sizes.css} B`)
