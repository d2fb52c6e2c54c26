'use strict'
// Preloaded into the suite's origin server (node --require) by conformance/run.sh.
// server/server.mjs calls server.listen(port) with no host, i.e. on every interface;
// this makes a bare-port listen bind 127.0.0.1 only. With --port=0 the server picks a
// free ephemeral port and prints "Listening on http://127.0.0.1:PORT/", which run.sh reads.
const net = require('net')
const origListen = net.Server.prototype.listen
net.Server.prototype.listen = function listen (...args) {
  const first = args[0]
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))
  if (isPort && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1')
  }
  return origListen.apply(this, args)
}
