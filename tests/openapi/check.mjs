// Checks every response the API tests recorded (ACCOUNTSD_OPENAPI_RECORDS: one JSON line per
// response, tests/support/http_client.cpp) against docs/openapi.json: the path, method and status
// must be documented, the content type must be the documented one, the body must pass its
// schema (JSON Schema 2020-12, ajv) and the headers it requires must be there. Then lists the
// operations the records covered and fails if any documented operation was never exercised.
// Usage: node tests/openapi/check.mjs RECORDS_FOLDER [DOCUMENT]
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const [folder, documentPath = new URL("../../docs/openapi.json", import.meta.url).pathname] =
  process.argv.slice(2);
if (!folder) {
  console.error("usage: node tests/openapi/check.mjs RECORDS_FOLDER [DOCUMENT]");
  process.exit(2);
}
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

// JSON pointer of a location in the document, as a $ref into it.
const pointer = (tokens) =>
  "#" + tokens.map((t) => "/" + encodeURIComponent(String(t).replace(/~/g, "~0").replace(/\//g, "~1"))).join("");
const at = (ref) =>
  ref.slice(2).split("/").map((t) => decodeURIComponent(t).replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((node, token) => node[token], document);

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(document, "openapi");
const validators = new Map();
const validator = (ref) => {
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: "openapi" + ref }));
  return validators.get(ref);
};

// A path's segments, percent-decoded as the server decodes them: "/a/b/" and "/a/b" are one
// path (A.1).
const decoded = (segment) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};
const segments = (path) => {
  const parts = path.split("/").slice(1).map(decoded);
  if (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts;
};
const rootOf = (url) => (url.endsWith("/") ? url.slice(0, -1) : url);

// Every operation, with the full path template it answers under its server's root.
const operations = [];
for (const [path, item] of Object.entries(document.paths)) {
  const root = rootOf((item.servers ?? document.servers)[0].url);
  for (const method of METHODS) {
    if (!item[method]) continue;
    operations.push({ method: method.toUpperCase(), path, template: segments(root + path),
                      tokens: ["paths", path, method], operation: item[method] });
  }
}
const matches = (template, parts) =>
  template.length === parts.length &&
  template.every((t, i) => (t.startsWith("{") && t.endsWith("}") ? parts[i] !== "" : t === parts[i]));

// What the server may answer to any request (x-any-request); 404 and 405 only where no
// documented operation takes the path and method.
const anyRequest = document["x-any-request"] ?? {};
const unroutedOnly = new Set(["404", "405"]);

// The response object (and where it is) that documents `status` for `op`, or null.
function documented(op, status) {
  const key = String(status);
  let ref = null;
  if (op && op.operation.responses[key]) ref = pointer([...op.tokens, "responses", key]);
  else if (anyRequest[key] && (!op || !unroutedOnly.has(key))) ref = pointer(["x-any-request", key]);
  if (!ref) return null;
  let response = at(ref);
  while (response.$ref) {
    ref = response.$ref;
    response = at(ref);
  }
  return { ref, response };
}

const failures = [];
const covered = new Map();
let count = 0;
const files = readdirSync(folder).filter((f) => f.endsWith(".jsonl"));
for (const file of files) {
  for (const text of readFileSync(join(folder, file), "utf8").split("\n")) {
    if (!text) continue;
    let record;
    try {
      record = JSON.parse(text);
    } catch {
      failures.push({ problem: "a record is not JSON (a test process cut short?)", where: file, test: text.slice(0, 80) });
      continue;
    }
    count++;
    const where = `${record.method} ${record.target} -> ${record.status}`;
    const fail = (problem) =>
      failures.push({ problem, where, test: `${record.test} (${record.backend})` });
    const parts = segments(record.target.split("?")[0]);
    const onPath = operations.filter((op) => matches(op.template, parts));
    const op = onPath.find((o) => o.method === record.method);
    if (op) {
      const key = `${op.method} ${op.path}`;
      if (!covered.has(key)) covered.set(key, new Set());
      covered.get(key).add(record.status);
    }
    const found = documented(op, record.status);
    if (!found) {
      fail(op ? `status ${record.status} is not documented for ${op.method} ${op.path}`
              : onPath.length ? `${record.method} is not documented on this path, and ${record.status} is not what the server answers there (405)`
              : `no documented path matches, and ${record.status} is not what the server answers there (404)`);
      continue;
    }
    // Headers the document requires (records that carry headers).
    for (const [name, header] of Object.entries(found.response.headers ?? {})) {
      const resolved = header.$ref ? at(header.$ref) : header;
      if (resolved.required && record.headers && !(name.toLowerCase() in record.headers))
        fail(`the required header ${name} is missing (${found.ref})`);
    }
    const content = found.response.content;
    if (!content) {
      if (record.body !== "") fail(`a body was sent where ${found.ref} documents none`);
      continue;
    }
    const type = (record.content_type ?? "").split(";")[0].trim().toLowerCase();
    if (!content[type]) {
      fail(`content type "${record.content_type}" is not documented (${Object.keys(content).join(", ")})`);
      continue;
    }
    if (type !== "application/json") continue;
    let body;
    try {
      body = JSON.parse(record.body);
    } catch {
      fail(`the body is not JSON: ${record.body.slice(0, 120)}`);
      continue;
    }
    const validate = validator(found.ref + pointer(["content", type, "schema"]).slice(1));
    if (!validate(body)) {
      const errors = validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
      fail(`the body fails ${found.ref}: ${[...new Set(errors)].slice(0, 6).join("; ")}`);
    }
  }
}

// Failures grouped by problem, each with the first few requests and tests that showed it.
const groups = new Map();
for (const f of failures) {
  const key = f.problem.replace(/\/\d+\//g, "/N/");
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(f);
}
for (const [problem, list] of groups) {
  console.log(`FAIL ${problem}  [${list.length}x]`);
  for (const f of list.slice(0, 3)) console.log(`     ${f.where}\n       in ${f.test}`);
}

console.log(`\n${count} responses checked from ${files.length} file(s) against ${documentPath}.`);
console.log("Operations covered (statuses seen):");
const uncovered = [];
for (const op of operations) {
  const key = `${op.method} ${op.path}`;
  const statuses = covered.get(key);
  if (statuses) console.log(`  ${key}  ${[...statuses].sort().join(" ")}`);
  else uncovered.push(key);
}
for (const key of uncovered) console.log(`NOT COVERED ${key}`);
if (count === 0) console.log("FAIL no responses were recorded");
const ok = failures.length === 0 && uncovered.length === 0 && count > 0;
console.log(ok ? "OpenAPI check passed." :
  `OpenAPI check failed: ${failures.length} response(s) off the document, ${uncovered.length} operation(s) never exercised.`);
process.exit(ok ? 0 : 1);
