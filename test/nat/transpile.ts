/**
 * Turns the testbed's TypeScript into JavaScript in a folder of its own, so a plain `node`
 * process (not vitest) can load it: the exit-hook tests need a process they can end.
 */
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import ts from 'typescript'

const HERE = import.meta.dirname

/** Writes test/nat/*.ts (tests excluded) as ES modules into `dir`, which must exist. */
export async function transpileTestbed (dir: string): Promise<void> {
  const sources = (await readdir(HERE)).filter(name => name.endsWith('.ts') && !name.endsWith('.test.ts'))
  await Promise.all(sources.map(async name => {
    const { outputText } = ts.transpileModule(await readFile(join(HERE, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
    })
    await writeFile(join(dir, name.replace(/\.ts$/, '.js')), outputText)
  }))
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
  // Bare imports (@libp2p/logger, typescript) resolve through the project's node_modules.
  await symlink(resolve(HERE, '../../node_modules'), join(dir, 'node_modules'))
}
