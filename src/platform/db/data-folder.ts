import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * PGlite lets one process open a data folder; two would corrupt it. A lock file in the folder
 * names the process that holds it: a running hub (which then serves other commands over its
 * control socket, `hub.sock` beside the lock) or a one-off command. A lock left by a process
 * that died is taken over.
 */
export type FolderOwner = "hub" | "command";

export interface FolderLock {
  readonly path: string;
  release(): Promise<void>;
}

export interface FolderHolder {
  readonly pid: number;
  readonly owner: FolderOwner;
}

export const lockFileName = "remit.lock";
export const controlSocketName = "hub.sock";

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, controlSocketName);
}

/** Takes the folder, or reports the live process that holds it. */
export async function lockDataFolder(dataDir: string, owner: FolderOwner): Promise<FolderLock | FolderHolder> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, lockFileName);
  // Written whole to a private file, then linked into place: link() fails if the lock exists,
  // so a reader never sees a half-written lock.
  const draft = `${path}.${process.pid}`;
  await writeFile(draft, JSON.stringify({ pid: process.pid, owner }), { mode: 0o600 });
  try {
    return await takeOrReport(path, draft);
  } finally {
    await unlink(draft).catch(() => {});
  }
}

async function takeOrReport(path: string, draft: string): Promise<FolderLock | FolderHolder> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await link(draft, path);
      return {
        path,
        async release() {
          const holder = await readHolder(path);
          if (holder?.pid === process.pid) await unlink(path).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await readHolder(path);
      if (holder && isAlive(holder.pid)) return holder;
      // Stale: the process that wrote it is gone.
      await unlink(path).catch(() => {});
    }
  }
  throw new Error(`Could not lock ${path}: another process keeps taking it`);
}

export function isFolderLock(value: FolderLock | FolderHolder): value is FolderLock {
  return "release" in value;
}

async function readHolder(path: string): Promise<FolderHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as FolderHolder;
    return Number.isInteger(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
