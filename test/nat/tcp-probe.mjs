// A small TCP probe run inside the testbed's namespaces (node:net, real sockets). It prints one
// JSON object per line on stdout and always exits 0 after a connect attempt, so the test reads
// what happened rather than an exit code.
//
//   listen <port>                                      echo server on 0.0.0.0; one line per connection
//   connect <host> <port> <localPort|0> <timeoutMs>    one connection; says whom it reached or why not
//   simopen <host> <port> <localPort> <deadlineMs> <message>
//        TCP simultaneous open: connect from a fixed local port again and again until connected
//        or the deadline; then send <message>, print what the other side sent, close.
import net from 'node:net'

const [mode, ...args] = process.argv.slice(2)
const print = (object) => process.stdout.write(JSON.stringify(object) + '\n')
const started = Date.now()
const elapsed = () => Date.now() - started

if (mode === 'listen') {
  const server = net.createServer((socket) => {
    print({ event: 'connection', remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, localPort: socket.localPort })
    socket.on('error', () => {})
    socket.pipe(socket)
  })
  server.listen(Number(args[0]), '0.0.0.0', () => print({ event: 'listening', port: server.address().port }))
  // The parent closing our stdin means it is done with us.
  process.stdin.on('end', () => process.exit(0)).resume()
} else if (mode === 'connect') {
  const [host, port, localPort, timeoutMs] = args
  const options = { host, port: Number(port), ...(Number(localPort) > 0 ? { localPort: Number(localPort) } : {}) }
  const socket = net.connect(options)
  const timer = setTimeout(() => {
    print({ event: 'error', code: 'TIMEOUT', elapsedMs: elapsed() })
    socket.destroy()
  }, Number(timeoutMs))
  socket.on('connect', () => {
    socket.write('ping')
    socket.once('data', (data) => {
      clearTimeout(timer)
      print({ event: 'connected', localAddress: socket.localAddress, localPort: socket.localPort, echoed: data.toString(), elapsedMs: elapsed() })
      socket.destroy()
    })
  })
  socket.on('error', (err) => {
    clearTimeout(timer)
    print({ event: 'error', code: err.code, elapsedMs: elapsed() })
  })
} else if (mode === 'simopen') {
  const [host, port, localPort, deadlineMs, message] = args
  const deadline = started + Number(deadlineMs)
  let attempts = 0
  let connects = 0
  const attempt = () => {
    if (Date.now() >= deadline) {
      print({ event: 'failed', attempts, elapsedMs: elapsed() })
      return
    }
    attempts++
    const socket = net.connect({ host, port: Number(port), localPort: Number(localPort) })
    // The first SYNs may meet a router that has no mapping yet and drops them: give each
    // attempt a second, then start again from the same local port.
    const retry = setTimeout(() => { socket.destroy(); attempt() }, 1_000)
    socket.on('connect', () => {
      clearTimeout(retry)
      connects++
      socket.write(message)
      socket.once('data', (data) => {
        print({ event: 'connected', attempts, connects, localPort: socket.localPort, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, received: data.toString(), elapsedMs: elapsed() })
        socket.end()
      })
    })
    socket.on('error', () => {
      clearTimeout(retry)
      socket.destroy()
      setTimeout(attempt, 100)
    })
  }
  attempt()
} else {
  process.stderr.write(`unknown mode ${mode}\n`)
  process.exit(2)
}
