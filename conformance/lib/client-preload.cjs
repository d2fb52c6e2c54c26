'use strict'
// Preloaded into the suite's CLI (node --require) by conformance/run.sh.
//
// http-cache-tests 0.4.5 fetches with node-fetch 2, which ignores HTTP_PROXY and always
// connects to the URL's own host. To test a forward proxy for real, this module wraps
// http.request/http.get (node-fetch looks up http.request at call time, so wrapping the
// module's property is enough) and, when CONFORMANCE_FORWARD_PROXY=http://HOST:PORT is set,
// sends every plain-http request to that proxy in absolute form:
//
//   GET http://127.0.0.1:ORIGINPORT/test/... HTTP/1.1
//   Host: 127.0.0.1:ORIGINPORT
//
// No CONNECT tunnel is ever used (a cache cannot see into one). HTTPS requests are refused.
//
// In every mode it counts the requests it sent (by path prefix) and writes the counts as JSON
// to CONFORMANCE_CLIENT_STATS at exit, so run.sh can compare them with the proxy's access log.
const http = require('http')
const fs = require('fs')

const proxyEnv = process.env.CONFORMANCE_FORWARD_PROXY || ''
const statsFile = process.env.CONFORMANCE_CLIENT_STATS || ''
let proxy = null
if (proxyEnv) {
  const u = new URL(proxyEnv)
  if (u.protocol !== 'http:') throw new Error(`CONFORMANCE_FORWARD_PROXY must be http://host:port, got ${proxyEnv}`)
  proxy = { hostname: u.hostname, port: Number(u.port || 80) }
}

const stats = { mode: proxy ? 'forward' : 'direct', proxy: proxyEnv || null, sent: 0, test: 0, config: 0, state: 0, other: 0, https_refused: 0, in_flight_at_exit: 0 }
let inFlight = 0
function track (req) {
  inFlight++
  req.once('close', () => { inFlight-- })
  return req
}

function pathKind (p) {
  const seg = String(p || '/').split('?')[0].split('/')[1]
  return (seg === 'test' || seg === 'config' || seg === 'state') ? seg : 'other'
}

function toOptions (input, options) {
  // Normalise the (url | options)[, options] call forms into one options object.
  if (typeof input === 'string' || input instanceof URL) {
    const u = new URL(String(input))
    const fromUrl = {
      protocol: u.protocol,
      hostname: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port,
      path: u.pathname + u.search
    }
    return Object.assign(fromUrl, options || {})
  }
  return Object.assign({}, input || {})
}

const origRequest = http.request

function wrappedRequest (input, options, cb) {
  if (typeof options === 'function') { cb = options; options = undefined }
  const opts = toOptions(input, options)
  if (opts.protocol && opts.protocol !== 'http:') {
    stats.https_refused++
    throw new Error(`conformance preload: refusing ${opts.protocol} request (only plain http is routed)`)
  }
  if (String(opts.method || 'GET').toUpperCase() === 'CONNECT') {
    throw new Error('conformance preload: CONNECT is never used')
  }
  const path = opts.path || '/'
  stats.sent++
  stats[pathKind(path)]++
  if (!proxy) return track(cb ? origRequest.call(http, opts, cb) : origRequest.call(http, opts))

  const targetHost = opts.hostname || (opts.host || 'localhost').replace(/:\d+$/, '')
  const targetPort = Number(opts.port || 80)
  if (targetHost === proxy.hostname && targetPort === proxy.port) {
    throw new Error('conformance preload: request aimed at the proxy itself; in forward mode the base URL must be the origin')
  }
  const hostForUrl = targetHost.includes(':') ? `[${targetHost}]` : targetHost
  const authority = targetPort === 80 ? hostForUrl : `${hostForUrl}:${targetPort}`
  const headers = Object.assign({}, opts.headers || {})
  // Keep the origin's Host header (node would otherwise write the proxy's).
  if (!Object.keys(headers).some(h => h.toLowerCase() === 'host')) headers.Host = authority
  const proxied = Object.assign({}, opts, {
    protocol: 'http:',
    host: undefined,
    hostname: proxy.hostname,
    port: proxy.port,
    path: `http://${authority}${path}`,
    headers,
    setHost: false
  })
  return track(cb ? origRequest.call(http, proxied, cb) : origRequest.call(http, proxied))
}

http.request = wrappedRequest
http.get = function get (input, options, cb) {
  const req = wrappedRequest(input, options, cb)
  req.end()
  return req
}

if (statsFile) {
  process.on('exit', () => {
    stats.in_flight_at_exit = inFlight
    try { fs.writeFileSync(statsFile, JSON.stringify(stats) + '\n') } catch (e) { /* best effort */ }
  })
}

// cli.mjs prints the results JSON with one console.log once every test has finished, but the
// process can then linger for minutes on connections a proxy keeps open (requests the tests no
// longer wait for). Exit shortly after that final print; the count of requests still open is
// recorded in the stats as in_flight_at_exit.
const origLog = console.log
console.log = function log (...args) {
  origLog.apply(console, args)
  const a = args[0]
  if (args.length === 1 && typeof a === 'string' && a.startsWith('{') && a.endsWith('}')) {
    setTimeout(() => process.exit(0), 1000)
  }
}
