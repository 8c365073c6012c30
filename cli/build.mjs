// Bundles the murmur command (cli/murmur.ts and what it imports statically: its commands,
// the API client, commander) into one ES module, dist/cli/murmur.js, in place of the file tsc
// wrote there. Run by `npm run build`, after tsc.
//
// Why: a command that talks to the node (`murmur status`, `murmur send`) is mostly Node
// starting and its ES module loader resolving and reading modules: as some 40 files it cost
// about twice the CPU time of a bare `node -e 0`, as one file a third more (issue 11: command
// latency within 2x `node -e 0`; docs/benchmarks.md "Command latency").
//
// What a command loads when it runs (`start`'s node stack, `init`'s key generation, a backup)
// stays outside: every dynamic import() of the CLI's sources is rewritten to the module tsc
// compiled under dist/src, and every package but commander and eventsource-parser (small, and
// loaded by every command) is imported from node_modules as before. Errors cross that line
// by `name` (cli/errors.ts), not by class identity, so two copies of a class do no harm;
// keepNames keeps every class's name as written.
//
// What a command loads when it runs is itself bundled, apart (dist/cli/stack/, a second
// build): every dynamic import() of the CLI's sources is rewritten to its entry there, and the
// modules they share are chunks. As some 900 files (dist/src and node_modules) `murmur start`
// spent more than half of its start-up CPU in Node's module loader (1.07 s of CPU until it
// served, 0.50 s bundled): every node a user starts pays it, and so does every `murmur start`
// of the test suite. Packages with native addons (sodium-native, classic-level) and libsodium
// (an ES module of its own, 0.9 MB of WebAssembly) load from node_modules as before, and so
// does @achingbrain/ssdp, which reads its own package.json.
import { build } from 'esbuild'
import { chmod, rm, writeFile } from 'node:fs/promises'
import { dirname, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = resolve(root, 'dist/cli/murmur.js')
const stack = resolve(root, 'dist/cli/stack')
const BUNDLED_PACKAGES = new Set(['commander', 'eventsource-parser'])
/** Packages the stack bundle leaves in node_modules: native addons, libsodium's own ES module, and
 * @achingbrain/ssdp (UPnP), which reads its package.json from beside its own file. */
const STACK_EXTERNAL = ['sodium-native', 'classic-level', 'libsodium', '@achingbrain/ssdp']
/** The compiled modules (dist/src/...) the CLI imports dynamically: the stack bundle's entries. */
const stackEntries = new Set()

/** What both bundles are: ES modules for Node 20, class names kept, with source maps. */
const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  keepNames: true,
  sourcemap: true,
  // commander and some of the stack's packages are CommonJS and require node builtins: an ES
  // module has no require of its own.
  banner: { js: "import { createRequire as murmurCreateRequire } from 'node:module'; const require = murmurCreateRequire(import.meta.url);" },
  logLevel: 'warning'
}

const result = await build({
  ...NODE_BUNDLE,
  entryPoints: [resolve(root, 'cli/murmur.ts')],
  outfile: out,
  metafile: true,
  plugins: [{
    name: 'murmur-cli-externals',
    setup (b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined
        const relativePath = args.path.startsWith('.')
        if (!relativePath) return BUNDLED_PACKAGES.has(args.path) ? undefined : { path: args.path, external: true }
        if (args.kind !== 'dynamic-import') return undefined
        // ../../src/x.js from cli/commands/ -> the compiled dist/src/x.js, bundled as
        // dist/cli/stack/x.js (the second build below), from dist/cli/.
        const compiled = resolve(root, 'dist', relative(root, resolve(args.resolveDir, args.path)))
        stackEntries.add(compiled)
        let path = relative(dirname(out), resolve(stack, relative(resolve(root, 'dist/src'), compiled)))
        if (!path.startsWith('.')) path = `./${path}`
        return { path, external: true }
      })
    }
  }]
})

// The bundle is the package's bin: esbuild writes a new file (mode 0644), which would leave
// `npx murmur` answering "Permission denied" after any rebuild (`npm test` builds) wherever
// npm had linked the bin before and made the old file executable.
await chmod(out, 0o755)

await rm(stack, { recursive: true, force: true })
await build({
  ...NODE_BUNDLE,
  entryPoints: [...stackEntries],
  outbase: resolve(root, 'dist/src'),
  outdir: stack,
  splitting: true,
  external: STACK_EXTERNAL
})

// What went into the bundle, for test/e2e/latency.test.ts (no node stack in a command's start).
await writeFile(resolve(root, 'dist/cli/murmur.inputs.json'), JSON.stringify(Object.keys(result.metafile.inputs), null, 1) + '\n')
