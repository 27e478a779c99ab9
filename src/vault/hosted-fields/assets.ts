import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** A static file served by the vault, with the hashes that pin it. */
export interface Asset {
  /** The path the vault serves it at. */
  readonly route: string;
  /** The path pages refer to it by: versioned by content, so a changed file is never taken from a stale cache. */
  readonly src: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** Subresource Integrity value, `sha256-…`, also the script's CSP source. */
  readonly sha256: string;
  /** Subresource Integrity value, `sha384-…`, the strength agencies are told to pin remit.js with. */
  readonly sha384: string;
}

function loadAsset(file: string, route: string, contentType: string): Asset {
  const body = readFileSync(new URL(`./public/${file}`, import.meta.url));
  const sha256 = `sha256-${createHash("sha256").update(body).digest("base64")}`;
  const sha384 = `sha384-${createHash("sha384").update(body).digest("base64")}`;
  const version = createHash("sha256").update(body).digest("hex").slice(0, 12);
  return { route, src: `${route}?v=${version}`, body, contentType, sha256, sha384 };
}

const javascript = "text/javascript; charset=utf-8";

export const loaderScript = loadAsset("remit.js", "/v1/remit.js", javascript);
export const fieldScript = loadAsset("field.js", "/v1/hosted/field.js", javascript);
export const coordinatorScript = loadAsset("coordinator.js", "/v1/hosted/coordinator.js", javascript);
export const fieldStylesheet = loadAsset("field.css", "/v1/hosted/field.css", "text/css; charset=utf-8");

/** The page around one script: static, so nothing from the request can reach the markup. */
export function framePage(title: string, script: Asset, stylesheet?: Asset): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${title}</title>`,
    ...(stylesheet ? [`<link rel="stylesheet" href="${stylesheet.src}">`] : []),
    `<script src="${script.src}" integrity="${script.sha256}" defer></script>`,
    "</head>",
    "<body></body>",
    "</html>",
    "",
  ].join("\n");
}
