import { chmod, unlink } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { type Logger, RemitError } from "../platform/index.ts";
import { type AdminContext, isAdminCommand, runAdminCommand } from "./commands.ts";

/**
 * While a hub holds the embedded database, other `remit` commands reach it through this Unix
 * socket in the data folder (owner-only permissions): they send a command name and its JSON
 * arguments, and the hub runs it on its own connection.
 */
export async function serveControlSocket(path: string, context: AdminContext, logger: Logger): Promise<{ close(): Promise<void> }> {
  await unlink(path).catch(() => {});
  const server: Server = createServer(async (req, res) => {
    const name = decodeURIComponent((req.url ?? "").replace(/^\/commands\//, ""));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.method !== "POST" || !isAdminCommand(name)) return reply(404, { code: "unknown_command", detail: `No command ${name}` });
    try {
      const args = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      reply(200, await runAdminCommand(context, name, args));
    } catch (error) {
      if (!(error instanceof RemitError)) logger.error({ err: error, command: name }, "control command failed");
      reply(error instanceof RemitError ? error.status : 500, {
        code: error instanceof RemitError ? error.code : "internal_error",
        detail: (error as Error).message,
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, resolve);
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Asks the hub on `path` to run a command; resolves to its JSON result or rejects with its error. */
export function callControlSocket(path: string, name: string, args: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: `/commands/${encodeURIComponent(name)}`, method: "POST" }, async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
      if (res.statusCode === 200) resolve(body);
      else reject(Object.assign(new Error(body?.detail ?? `hub answered ${res.statusCode}`), { code: body?.code }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(args ?? {}));
  });
}
