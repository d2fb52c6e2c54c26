// Counts a results JSON of http-cache-tests the way the published proxy numbers are counted
// (see conformance/README.md), prints the table, checks/updates a baseline.
//
// usage: node summarize.mjs SUITE_DIR RESULTS_JSON BASELINE_JSON [--update-baseline] [--no-baseline] [--summary=FILE]
// exit: 0 ok, 3 a count fell below the baseline, 2 bad input
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [suiteDir, resultsFile, baselineFile, ...flags] = process.argv.slice(2)
const update = flags.includes('--update-baseline')
const noBaseline = flags.includes('--no-baseline')

const load = rel => import(pathToFileURL(path.join(suiteDir, rel)).href)
const tests = (await load('tests/index.mjs')).default
// cli.mjs runs the Surrogate-Control suite too; those tests concern CDNs only (later suite
// versions mark them cdn_only), so they are left out below.
const surrogate = (await load('tests/surrogate-control.mjs')).default
tests.push(surrogate)

let results
try {
  results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'))
} catch (e) {
  console.error(`conformance: cannot read results ${resultsFile}: ${e.message}`)
  process.exit(2)
}

const KINDS = ['required', 'optimal', 'check']
const counts = Object.fromEntries(KINDS.map(k => [k, { passed: 0, total: 0 }]))
const failingRequired = []
let missing = 0
for (const suite of tests) {
  for (const test of suite.tests) {
    if (test.browser_only === true || test.cdn_only === true) continue
    if (suite.id === 'surrogate-control') continue
    const kind = test.kind || 'required'
    if (!counts[kind]) throw new Error(`unknown test kind ${kind} for ${test.id}`)
    counts[kind].total++
    const r = results[test.id]
    if (r === undefined) missing++
    // Passed means the result is exactly true; dependencies are not applied (as in the
    // published counts: a test whose setup test failed still counts by its own result).
    if (r === true) counts[kind].passed++
    else if (kind === 'required') failingRequired.push(test.id)
  }
}

const pad = (s, n) => String(s).padEnd(n)
console.log(`${pad('kind', 10)} passed/total`)
for (const k of KINDS) {
  const { passed, total } = counts[k]
  console.log(`${pad(k, 10)} ${String(passed).padStart(3)}/${total}`)
}
console.log(`failing required: ${failingRequired.length ? failingRequired.join(' ') : '(none)'}`)
if (missing > 0) {
  console.error(`conformance: ${missing} applicable tests have no result (suite run incomplete?)`)
}

const summary = {
  required: counts.required.passed,
  optimal: counts.optimal.passed,
  check: counts.check.passed,
  totals: Object.fromEntries(KINDS.map(k => [k, counts[k].total])),
  failing_required: failingRequired
}
const summaryFlag = flags.find(f => f.startsWith('--summary='))
if (summaryFlag) fs.writeFileSync(summaryFlag.slice('--summary='.length), JSON.stringify(summary, null, 2) + '\n')

if (noBaseline) process.exit(missing > 0 ? 2 : 0)

if (update) {
  const b = { required: counts.required.passed, optimal: counts.optimal.passed }
  fs.writeFileSync(baselineFile, JSON.stringify(b, null, 2) + '\n')
  console.log(`baseline updated: ${baselineFile} ${JSON.stringify(b)}`)
  process.exit(missing > 0 ? 2 : 0)
}

let baseline = {}
try {
  baseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8'))
} catch (e) {
  console.error(`conformance: cannot read baseline ${baselineFile}: ${e.message}`)
  process.exit(2)
}
let below = false
for (const [k, v] of Object.entries(baseline)) {
  if (!counts[k]) continue
  if (counts[k].passed < v) {
    console.error(`conformance: ${k} passed ${counts[k].passed} < baseline ${v} (${path.basename(baselineFile)})`)
    below = true
  } else if (counts[k].passed > v) {
    console.log(`note: ${k} passed ${counts[k].passed} > baseline ${v}; raise it with --update-baseline`)
  }
}
if (below) process.exit(3)
if (missing > 0) process.exit(2)
