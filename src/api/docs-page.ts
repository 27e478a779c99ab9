import type { ErrorCatalog } from "../platform/index.ts";

/**
 * The API reference at `/docs`: one server-rendered HTML page built from the OpenAPI document the
 * API serves, so it can never disagree with it. No script, no stylesheet from elsewhere.
 */
interface Schema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  items?: Schema;
  $ref?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
}

interface Document {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const html = (text: unknown) => String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").at(-1) ?? "";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "object");
  return schema.format ? `${type} (${schema.format})` : type;
}

function constraints(schema: Schema): string {
  const parts = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : "",
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : "",
    schema.maxLength !== undefined ? `at most ${schema.maxLength} characters` : "",
    schema.pattern ? `pattern <code>${html(schema.pattern)}</code>` : "",
  ].filter(Boolean);
  return parts.join(", ");
}

function fieldsTable(schema: Schema | undefined): string {
  const object = schema?.anyOf?.find((s) => s.properties) ?? schema;
  if (!object?.properties) return "";
  const rows = Object.entries(object.properties).map(
    ([name, field]) =>
      `<tr><td><code>${html(name)}</code>${object.required?.includes(name) ? " <strong>required</strong>" : ""}</td>` +
      `<td>${html(typeOf(field))}</td><td>${html(field.description)} ${constraints(field)}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join("")}</table>`;
}

function operationHtml(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${html(p.name)}</code> (${html(p.in)})${p.required ? " <strong>required</strong>" : ""}</td>` +
      `<td>${html(typeOf(p.schema))}</td><td>${html(p.description ?? p.schema?.description)}</td></tr>`,
  );
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) => `<li><code>${status}</code> ${html(r.description)}</li>`);
  return `<section id="${html(op.operationId)}">
<h3><code>${method.toUpperCase()} ${html(path)}</code></h3>
<p>${html(op.summary)}</p>${op.description ? `<p>${html(op.description)}</p>` : ""}
${op.security?.length === 0 ? "<p>No API key needed.</p>" : ""}
${params.length ? `<h4>Parameters</h4><table><tr><th>name</th><th>type</th><th>notes</th></tr>${params.join("")}</table>` : ""}
${body ? `<h4>Request body</h4>${fieldsTable(body)}` : ""}
<h4>Responses</h4><ul>${responses.join("")}</ul>
</section>`;
}

export function renderDocsPage(document: Document, catalogs: Readonly<Record<string, ErrorCatalog>>): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
    }
  }
  const errors = Object.entries(catalogs).flatMap(([area, catalog]) =>
    Object.entries(catalog).map(
      ([code, spec]) =>
        `<tr><td><code>${html(code)}</code></td><td>${spec.status}</td><td>${spec.retryable ? "yes" : "no"}</td><td>${html(area)}</td><td>${html(spec.title)}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(document.info.title)} ${html(document.info.version)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem 1.5rem;color:#1b1b1b}
code{font-family:ui-monospace,monospace;background:#f0f0f0;padding:0 .2em}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #dfe1e2;padding:.3rem .5rem;text-align:left;vertical-align:top}section{border-top:1px solid #dfe1e2;margin-top:1.5rem}
h2{margin-top:2.5rem;text-transform:capitalize}
</style></head><body>
<h1>${html(document.info.title)} <small>${html(document.info.version)}</small></h1>
<p>${html(document.info.description)}</p>
<p>Send a secret key as <code>Authorization: Bearer rk_…</code> and an <code>Idempotency-Key</code> on every POST.
Amounts are integer cents. Errors are <code>application/problem+json</code> with a stable <code>code</code>.
The machine-readable document is <a href="/openapi.json">/openapi.json</a>.</p>
<nav><ul>${[...byTag.keys()].map((t) => `<li><a href="#tag-${html(t)}">${html(t)}</a></li>`).join("")}<li><a href="#errors">error codes</a></li></ul></nav>
${[...byTag.entries()].map(([tag, ops]) => `<h2 id="tag-${html(tag)}">${html(tag)}</h2>${ops.join("\n")}`).join("\n")}
<h2 id="errors">Error codes</h2>
<table><tr><th>code</th><th>status</th><th>retryable</th><th>area</th><th>meaning</th></tr>${errors.join("")}</table>
</body></html>`;
}
