import { ProblemSchema } from "./schemas.ts";

/**
 * An operation id from the method and path, for client generators and linters:
 * `POST /v1/card-transactions/{id}/capture` → `postCardTransactionsIdCapture`.
 */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/v1\//, "/")
    .split(/[/:{}_.-]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
}

const problemDescription = (ProblemSchema as { description?: string }).description;

/**
 * Every route repeats the problem schema (its `code` enum lists every error code); the
 * published document names it once, as `#/components/schemas/Problem`, and refers to it.
 */
export function shareProblemSchema<T extends object>(document: T): T {
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node === null || typeof node !== "object") return node;
    const object = node as Record<string, unknown>;
    if (object.description === problemDescription && object.type === "object") return { $ref: "#/components/schemas/Problem" };
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, replace(v)]));
  };
  const shared = replace(document) as T & { components?: { schemas?: Record<string, unknown> } };
  return { ...shared, components: { ...shared.components, schemas: { ...shared.components?.schemas, Problem: ProblemSchema } } };
}
