import { access, readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkApiAddress, isLoopbackHost, parseApiAddress } from '../../src/api/address.js'
import { ApiClient } from '../../src/api/client.js'
import { startDaemon } from '../../src/api/daemon.js'
import { InvalidApiAddressError, NodeNotRunningError } from '../../src/api/errors.js'
import { writeApiFiles } from '../../src/api/api-files.js'
import { tokenMatches } from '../../src/api/token.js'
import { createMurmur } from '../../src/messenger/index.js'
import { homePath } from '../../src/messenger/home.js'
import { startTestNode, tempDir } from './helpers.js'

async function exists (path: string): Promise<boolean> {
  return await access(path).then(() => true, () => false)
}

describe('daemon lifecycle', () => {
  it('stop() removes api.address and api.token; a second daemon on the same home is refused and leaves them alone', async () => {
    const node = await startTestNode()
    try {
      const before = await readFile(homePath(node.home, 'apiAddress'), 'utf8')
      await expect(startDaemon({ home: node.home, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }, createMurmur))
        .rejects.toMatchObject({ name: 'HomeInUseError', message: expect.stringMatching(new RegExp(`in use by a running node, pid ${process.pid}`)) })
      expect(await readFile(homePath(node.home, 'apiAddress'), 'utf8')).toBe(before)
      const status = await (await ApiClient.connect(node.home)).call('status', {})
      expect(status.peerId).toBe(node.daemon.id.peerId)

      await node.daemon.stop()
      expect(await exists(homePath(node.home, 'apiAddress'))).toBe(false)
      expect(await exists(homePath(node.home, 'apiToken'))).toBe(false)
      await expect(ApiClient.connect(node.home)).rejects.toBeInstanceOf(NodeNotRunningError)
    } finally {
      await node.cleanup()
    }
  })

  it('refuses a non-loopback API host before starting anything', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await expect(startDaemon({ home: dir, api: '0.0.0.0:0' }, createMurmur)).rejects.toBeInstanceOf(InvalidApiAddressError)
      expect(await exists(join(dir, 'store'))).toBe(false)
    } finally {
      await cleanup()
    }
  })

  it('without an identity, says to run murmur init', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await expect(startDaemon({ home: dir }, createMurmur)).rejects.toMatchObject({ name: 'IdentityNotFoundError', message: expect.stringMatching(/murmur init/) })
    } finally {
      await cleanup()
    }
  })

  it('a client with no api.address, or a stale one, reports NodeNotRunningError', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await expect(ApiClient.connect(dir)).rejects.toThrow(/no murmur node is running for .*murmur start/)
      // A port that was just free: nothing listens there.
      const probe = createServer()
      await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
      const port = (probe.address() as { port: number }).port
      await new Promise<void>(resolve => probe.close(() => { resolve() }))
      await writeApiFiles(dir, `127.0.0.1:${port}`, 'token')
      const client = await ApiClient.connect(dir)
      await expect(client.call('status', {})).rejects.toBeInstanceOf(NodeNotRunningError)
    } finally {
      await cleanup()
    }
  })
})

describe('API address and token helpers', () => {
  it('parses host:port forms and refuses remote hosts without the flag', () => {
    expect(parseApiAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 })
    expect(parseApiAddress('[::1]:8080')).toEqual({ host: '::1', port: 8080 })
    expect(parseApiAddress('9000')).toEqual({ host: '127.0.0.1', port: 9000 })
    expect(() => parseApiAddress('localhost')).toThrow(InvalidApiAddressError)
    expect(() => parseApiAddress('127.0.0.1:70000')).toThrow(/invalid port/)
    expect(isLoopbackHost('127.0.0.5')).toBe(true)
    expect(isLoopbackHost('::1')).toBe(true)
    expect(isLoopbackHost('192.168.1.2')).toBe(false)
    expect(isLoopbackHost('0.0.0.0')).toBe(false)
    expect(() => { checkApiAddress({ host: '0.0.0.0', port: 0 }, false) }).toThrow(/--api-allow-remote/)
    expect(() => { checkApiAddress({ host: '0.0.0.0', port: 0 }, true) }).not.toThrow()
  })

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    expect(tokenMatches('abc', 'abd')).toBe(false)
    expect(tokenMatches('abc', 'abcd')).toBe(false)
    expect(tokenMatches('abc', '')).toBe(false)
  })
})
