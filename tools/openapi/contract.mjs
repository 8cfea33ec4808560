// The contract test: sends every documented request of docs/openapi/signalengine.json through Stoplight Prism's
// validating proxy to the real service, for every answer the document lists that a request can provoke, and fails where
// the status is not the expected one or Prism finds the answer (status, headers, body) off the document.
// Prism does the checking; this file only builds the requests from the document's own examples, as a Dredd hooks
// file would: it makes a signal first and puts its id where the document's example id is.
//
//   node tools/openapi/contract.mjs DOCUMENT PROXY_URL KEYS_JSON
// KEYS_JSON: {"admin": "...", "signals": "...", "outcomes": "...", "burst": "..."} (burst: an admin key of its own,
// whose rate budget the 429 check spends). Prints one PASS, FAIL or SKIP line per check; exits 1 if any failed.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

const [documentPath, proxy, keysJson] = process.argv.slice(2);
const document = JSON.parse(readFileSync(documentPath, 'utf8'));
const keys = JSON.parse(keysJson);
const exampleId = '01a233ab-6c68-78c2-9001-75e7c6c63dce'; // OpenApi/ParameterExamples.cs: SignalIdExample
let failed = 0;
let sequence = 0;

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).filter(([method]) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
    .map(([method, operation]) => ({ path, method, operation, name: `${method.toUpperCase()} ${path}` })));

/** The documented request: every parameter's example, the body's example, the admin key. */
function documented(op, signalId) {
  const parameters = op.operation.parameters ?? [];
  const value = (p) => JSON.parse(JSON.stringify(p.example ?? null).replaceAll(exampleId, signalId));
  // One example, or named ones (POST /signals documents its item and series forms): the first of them.
  const media = op.operation.requestBody?.content?.['application/json'];
  const body = media?.example ?? Object.values(media?.examples ?? {})[0]?.value;
  return {
    path: Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, value(p)])),
    query: Object.fromEntries(parameters.filter((p) => p.in === 'query' && p.example !== undefined).map((p) => [p.name, value(p)])),
    headers: Object.fromEntries(parameters.filter((p) => p.in === 'header' && p.example !== undefined).map((p) => [p.name, `${value(p)}-${++sequence}-${randomUUID()}`])),
    body: body === undefined ? undefined : JSON.stringify(body).replaceAll(exampleId, signalId),
    contentType: 'application/json',
    key: keys.admin,
  };
}

async function send(op, request) {
  let path = op.path;
  for (const [name, v] of Object.entries(request.path)) path = path.replace(`{${name}}`, encodeURIComponent(String(v)));
  const query = new URLSearchParams(Object.entries(request.query).map(([k, v]) => [k, String(v)])).toString();
  const headers = { ...request.headers };
  if (request.key) headers.Authorization = `Bearer ${request.key}`;
  if (request.body !== undefined) headers['Content-Type'] = request.contentType;
  const response = await fetch(`${proxy}${path}${query ? `?${query}` : ''}`, { method: op.method.toUpperCase(), headers, body: request.body });
  const text = await response.text();
  const violations = JSON.parse(response.headers.get('sl-violations') ?? '[]').filter((v) => v.location?.[0] === 'response');
  return { status: response.status, text, violations };
}

async function check(op, status, label, request, expected = Number(status)) {
  return report(op, status, label, await send(op, request), expected);
}

function report(op, status, label, answer, expected) {
  const problems = [];
  if (answer.status !== expected) problems.push(`answered ${answer.status}, expected ${expected}: ${answer.text.slice(0, 200)}`);
  for (const v of answer.violations) problems.push(`${v.location.join('.')}: ${v.message}`);
  const line = `contract: ${op.name} ${status}${label ? ` (${label})` : ''}`;
  if (problems.length === 0) console.log(`PASS ${line}`);
  else { failed++; console.log(`FAIL ${line}: ${problems.join('; ')}`); }
  return answer;
}

const unknown = (op, request) => {
  const names = Object.keys(request.path);
  if (names.length === 0) return null;
  return { ...request, path: Object.fromEntries(names.map((n) => [n, n === 'id' ? randomUUID() : `no-such-${n}`])) };
};
const withoutRole = (op) => {
  const roles = op.operation['x-required-roles'] ?? [];
  return ['outcomes', 'signals'].find((k) => !roles.includes(k) && !roles.includes('any')) ?? null;
};

/** How to provoke each documented error from the documented request; null where this request cannot. */
const provoke = {
  400: (op, r) => {
    if (r.body !== undefined) return { ...r, body: '{}' };
    const enumerated = (op.operation.parameters ?? []).find((p) => p.in === 'query' && p.schema?.enum);
    return enumerated ? { ...r, query: { ...r.query, [enumerated.name]: 'not-a-documented-value' } } : null;
  },
  401: (op, r) => ({ ...r, key: null }),
  403: (op, r) => (withoutRole(op) ? { ...r, key: keys[withoutRole(op)] } : null),
  404: unknown,
  413: (op, r) => (r.body !== undefined ? { ...r, body: JSON.stringify({ items: [], padding: 'x'.repeat(1_100_000) }) } : null),
  415: (op, r) => (r.body !== undefined ? { ...r, contentType: 'text/plain' } : null),
};
const notProvoked = {
  409: 'a concurrent retry or a signal of a model no longer served',
  503: 'the store or the audit log failing',
  504: 'a request outliving Api:RequestTimeoutSeconds',
};

const created = await send(operations.find((o) => o.operation.operationId === 'CreateSignals'), documented(operations.find((o) => o.operation.operationId === 'CreateSignals'), exampleId));
const signalId = JSON.parse(created.text).signals?.[0]?.id;
if (!signalId) { console.log(`FAIL contract: POST /signals with the documented example made no signal (${created.status}: ${created.text.slice(0, 300)})`); process.exit(1); }

for (const op of operations) {
  for (const status of Object.keys(op.operation.responses)) {
    const request = documented(op, signalId);
    if (/^2/.test(status)) {
      await check(op, status, '', request);
      // Each documented value of an enumerated query parameter is its own answer (e.g. explanation method=lime).
      for (const p of (op.operation.parameters ?? []).filter((q) => q.in === 'query' && q.schema?.enum)) {
        for (const v of p.schema.enum.filter((e) => e !== request.query[p.name])) await check(op, status, `${p.name}=${v}`, { ...request, query: { ...request.query, [p.name]: v } });
      }
    } else if (status === '422' && request.headers['Idempotency-Key']) {
      await send(op, request);
      await check(op, status, 'Idempotency-Key reused with another body', { ...request, body: request.body.replace('"EXAMPLE"', '"EXAMPLE-2"') });
    } else if (status === '429') {
      // Spend a key's budget on cheap refused requests; only the admin budget (20 by default) is small enough to try.
      if (!(op.operation['x-required-roles'] ?? []).includes('admin')) { console.log(`SKIP contract: ${op.name} 429 (its budget is too large to spend here)`); continue; }
      // The answer that says 429 is the one checked: a later request could find a token refilled.
      const cheap = { ...(unknown(op, request) ?? request), key: keys.burst };
      let answer;
      for (let i = 0; i < 60 && (answer = await send(op, cheap)).status !== 429; i++);
      report(op, status, 'budget spent', answer, 429);
    } else if (provoke[status] && provoke[status](op, request)) {
      await check(op, status, '', provoke[status](op, request));
    } else {
      console.log(`SKIP contract: ${op.name} ${status} (${notProvoked[status] ?? 'no request here provokes it'})`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
