/**
 * One downloader per file across processes. Two `overtone run`s started at once would otherwise append to the
 * same `.part` and corrupt it. The lock is a file created with `wx` (atomic) holding the owner's pid; a lock whose
 * process is gone (killed, crashed, rebooted) is taken over, so a stale lock never blocks a user.
 */
import { open, readFile, unlink } from "node:fs/promises";
import { ConfigError } from "@overtone/errors";

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock at `path` for this process and returns its release; throws if a live process holds it. */
export async function lockDownload(path: string, what: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const handle = await open(path, "wx").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return undefined;
      throw error;
    });
    if (handle !== undefined) {
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    }
    const holder = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (holder === process.pid || alive(holder)) {
      const who = holder === process.pid ? "this process" : `another process (pid ${holder})`;
      throw new ConfigError(`${what} is already being downloaded by ${who}`, {
        where: path,
        hint: "wait for it to finish, or stop it; its partial file will be resumed",
      });
    }
    await unlink(path).catch(() => undefined);
  }
  throw new ConfigError(`could not take the download lock ${path}`, {
    where: path,
    hint: "delete the lock file if no download is running",
  });
}
