#!/usr/bin/env node
/**
 * Builds llama.cpp's `llama-server` from the llama.cpp source that node-llama-cpp ships inside its npm package
 * (unpacked offline from its git bundle), so integration tests run a real server of the same llama.cpp release as
 * the embedded engine. Nothing is downloaded: the web UI is left out (its prebuilt assets come from the network)
 * and so are curl and OpenSSL (the tests only talk plain HTTP to 127.0.0.1).
 *
 * The binary is cached at `~/.cache/overtone-dev/llama-server/<release>/bin/llama-server` (`$OVERTONE_DEV_CACHE`
 * moves it) — outside the checkout, so fresh clones on the same machine (CI) reuse it — and rebuilt only when it is missing or
 * was built for another CPU: it is compiled with GGML_NATIVE=ON (the tiny test models run ~2× faster than with
 * a portable build, and the cache never leaves the machine), so a cache copied to a machine with other CPU
 * features would crash with SIGILL; the stamp file prevents that.
 *
 * Usage: `node scripts/build-llama-server.mjs [--jobs N] [--quiet]`; prints the binary's path on stdout.
 * About 10 minutes on 2 quiet cores (the server needs mtmd, llama-common and jinja too); up to ~30 when busy.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PACKAGE_LLAMA = join(ROOT, "node_modules", "node-llama-cpp", "llama");
const SOURCE = join(PACKAGE_LLAMA, "llama.cpp");
const CACHE_ROOT = process.env.OVERTONE_DEV_CACHE ?? join(homedir(), ".cache", "overtone-dev");

const CMAKE_FLAGS = [
  "-DCMAKE_BUILD_TYPE=Release",
  "-DBUILD_SHARED_LIBS=OFF", // one self-contained binary that can be copied out of the build folder
  "-DGGML_NATIVE=ON",
  "-DLLAMA_CURL=OFF",
  "-DLLAMA_OPENSSL=OFF",
  "-DLLAMA_BUILD_TESTS=OFF",
  "-DLLAMA_BUILD_EXAMPLES=OFF",
  "-DLLAMA_BUILD_APP=OFF",
  "-DLLAMA_BUILD_TOOLS=ON",
  "-DLLAMA_BUILD_SERVER=ON",
  "-DLLAMA_BUILD_UI=OFF",
  "-DLLAMA_USE_PREBUILT_UI=OFF",
];

/** The llama.cpp release node-llama-cpp ships (e.g. `v0.5.0`). */
export function llamaCppRelease() {
  const info = JSON.parse(readFileSync(join(PACKAGE_LLAMA, "llama.cpp.info.json"), "utf8"));
  return String(info.tag);
}

/** Where the cached binary lives for this release. */
export function llamaServerPath(release = llamaCppRelease()) {
  return join(CACHE_ROOT, "llama-server", release, "bin", "llama-server");
}

/** What the binary depends on besides the release: the CPU features it was compiled for, and our flags. */
function buildStamp() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? `${process.platform}-${process.arch}`;
  return createHash("sha256").update(flags).update("\0").update(CMAKE_FLAGS.join(" ")).digest("hex");
}

function ensureSource(log) {
  if (existsSync(join(SOURCE, "CMakeLists.txt"))) return;
  log("unpacking llama.cpp source from node-llama-cpp's bundle");
  execFileSync("npx", ["--no", "node-llama-cpp", "source", "download", "--skipBuild"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000,
  });
  if (!existsSync(join(SOURCE, "CMakeLists.txt"))) throw new Error(`no llama.cpp source at ${SOURCE}`);
}

function run(command, args, quiet) {
  const result = spawnSync(command, args, { stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
  }
}

function cached(binary, stamp) {
  const stampFile = `${binary}.stamp`;
  return existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp;
}

/** A build older than this holding the lock was killed; its lock is taken over. */
const STALE_LOCK_MS = 30 * 60_000;

/**
 * Run `fn` holding a lock (a directory: mkdir is atomic), so parallel test processes build once; the others
 * wait for it. Synchronous on purpose: callers run it before anything else.
 */
function withLock(lock, fn) {
  mkdirSync(join(lock, ".."), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Build unless a binary for this release and CPU is cached; returns its path. */
export function buildLlamaServer({ jobs = 2, quiet = false, log = (m) => console.error(m) } = {}) {
  const release = llamaCppRelease();
  const binary = llamaServerPath(release);
  const stamp = buildStamp();
  if (cached(binary, stamp)) return binary;
  return withLock(`${binary}.lock`, () => {
    if (cached(binary, stamp)) return binary; // built by another process while we waited
    ensureSource(log);
    const buildDir = join(CACHE_ROOT, "llama-server", release, "build");
    log(`building llama-server ${release} in ${buildDir} (${jobs} jobs, a few minutes)`);
    run("cmake", ["-S", SOURCE, "-B", buildDir, ...CMAKE_FLAGS], quiet);
    run("cmake", ["--build", buildDir, "--target", "llama-server", "-j", String(jobs)], quiet);
    const built = join(buildDir, "bin", "llama-server");
    mkdirSync(join(binary, ".."), { recursive: true });
    // Copy to a temp name and rename, so a concurrent reader never sees half a binary.
    const temp = `${binary}.${process.pid}.tmp`;
    copyFileSync(built, temp);
    renameSync(temp, binary);
    writeFileSync(`${binary}.stamp`, stamp);
    return binary;
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const jobsAt = args.indexOf("--jobs");
  const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : 2;
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error("build-llama-server: --jobs takes a positive integer");
    process.exit(1);
  }
  try {
    console.log(buildLlamaServer({ jobs, quiet: args.includes("--quiet") }));
  } catch (error) {
    console.error(`build-llama-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
