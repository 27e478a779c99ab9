import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScratchDatabase } from "../src/platform/index.ts";

export const remitBin = new URL("../bin/remit.js", import.meta.url).pathname;

/**
 * Environment for child `remit` processes: a scratch PostgreSQL database when DATABASE_URL names
 * a server, else a fresh embedded data folder. Ports are left to the operating system.
 */
export async function isolatedEnv(): Promise<{ env: NodeJS.ProcessEnv; dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), "remit-e2e-"));
  const base = { ...process.env, REMIT_DATA_DIR: dataDir, PORT: "0", VAULT_PORT: "0", SOR_PORT: "0", LOG_LEVEL: "info" };
  if (!process.env.DATABASE_URL) return { env: { ...base, DATABASE_URL: "" }, dataDir, cleanup: async () => {} };
  const scratch = await createScratchDatabase(process.env.DATABASE_URL);
  return { env: { ...base, DATABASE_URL: scratch.url }, dataDir, cleanup: scratch.drop };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [remitBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningHub {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly vaultUrl: string;
  readonly output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `remit start` and waits for its "remit is running" log line (with `--demo`, until the demo county is connected). */
export function startHubProcess(env: NodeJS.ProcessEnv, args: readonly string[] = [], timeoutMs = 60_000): Promise<RunningHub> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [remitBin, "start", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`hub did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const ready = args.includes("--demo") ? '"demo county connected"' : '"remit is running"';
    const onData = (d: Buffer) => {
      output += d;
      if (!output.includes(ready)) return;
      for (const line of output.split("\n")) {
        if (!line.includes('"remit is running"')) continue;
        const { apiUrl, vaultUrl } = JSON.parse(line);
        clearTimeout(timer);
        resolve({
          child,
          apiUrl,
          vaultUrl,
          output: () => output,
          stop: async () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
        return;
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} before it started:\n${output}`));
    });
  });
}
