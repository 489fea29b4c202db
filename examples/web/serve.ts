/**
 * The demo's web server (`npm run demo`): the page in examples/web, the package's browser entry
 * from dist/, and every example kernel, compiled at start with the package's own compiler
 * (cached by content). It sends Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy, so
 * that the page is cross-origin isolated and its ranks share memory; started with
 * `isolated: false` it leaves them out, and the page runs on the copying fallback.
 *
 *   npm run demo [-- --port 8000 --host 127.0.0.1]
 *
 * serves the isolated page on the port and the same page, not isolated, on the next one.
 */
import { readdirSync, readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { compileKernel } from "../../host/platform/node/compile.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dist = join(root, "dist");
const page = join(root, "examples", "web");

/** What the page lists about one kernel. */
export interface KernelInfo {
  readonly name: string;
  /** The first sentence of the comment that opens the source. */
  readonly summary: string;
}

export interface DemoServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** Send COOP and COEP (default): the page shares memory between ranks. */
  readonly isolated?: boolean;
  /** More kernels to offer besides the examples: name → AssemblyScript source path. */
  readonly kernels?: Readonly<Record<string, string>>;
}

export interface DemoServer {
  readonly url: string;
  readonly kernels: readonly KernelInfo[];
  close(): Promise<void>;
}

interface Kernel {
  readonly info: KernelInfo;
  readonly source: string;
  readonly wasm: Uint8Array;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
};

/** The examples, as `name → source path`: every AssemblyScript program in examples/. */
export function examplePaths(): Record<string, string> {
  const dir = join(root, "examples");
  const paths: Record<string, string> = {};
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith(".ts")) paths[basename(file, ".ts")] = join(dir, file);
  }
  return paths;
}

/** Compiles the kernels (or takes them from the cache) and starts serving. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const kernels = new Map<string, Kernel>();
  for (const [name, path] of Object.entries({ ...examplePaths(), ...options.kernels })) {
    const source = readFileSync(path, "utf8");
    kernels.set(name, {
      info: { name, summary: summaryOf(source) },
      source,
      wasm: await compileKernel(path),
    });
  }
  const isolated = options.isolated ?? true;
  const server = createServer((request, response) => {
    serve(request, response, kernels, isolated).catch((error: unknown) => {
      send(response, 500, "text/plain", String(error), isolated);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    kernels: [...kernels.values()].map((k) => k.info),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  kernels: ReadonlyMap<string, Kernel>,
  isolated: boolean,
): Promise<void> {
  const path = decodeURIComponent(new URL(request.url ?? "/", "http://demo").pathname);
  if (path === "/" || path === "/examples/web") {
    response.writeHead(302, { location: "/examples/web/" }).end();
    return;
  }
  if (path === "/kernels/index.json") {
    const list = [...kernels.values()].map((k) => k.info);
    send(response, 200, TYPES[".json"] as string, JSON.stringify(list), isolated);
    return;
  }
  const kernel = /^\/kernels\/([\w-]+)\.(wasm|ts)$/.exec(path);
  if (kernel !== null) {
    const found = kernels.get(kernel[1] as string);
    if (found === undefined) return notFound(response, path, isolated);
    const wasm = kernel[2] === "wasm";
    send(
      response,
      200,
      TYPES[wasm ? ".wasm" : ".ts"] as string,
      wasm ? found.wasm : found.source,
      isolated,
    );
    return;
  }
  const file = fileFor(path);
  if (file === null) return notFound(response, path, isolated);
  let modified: string;
  try {
    modified = (await stat(file)).mtime.toUTCString();
  } catch {
    return notFound(response, path, isolated);
  }
  // Every rank's worker loads the package's modules: let the browser keep them, and ask.
  if (request.headers["if-modified-since"] === modified) {
    response.writeHead(304, headers(isolated, { "last-modified": modified })).end();
    return;
  }
  const body = await readFile(file);
  send(response, 200, TYPES[extname(file)] ?? "application/octet-stream", body, isolated, {
    "last-modified": modified,
  });
}

/**
 * The file behind a URL path: the page's own files from examples/web, its script and the
 * package's browser entry from dist/ (the rank worker there is one file, the WASI shim in it).
 */
function fileFor(path: string): string | null {
  const inside = (dir: string, rest: string): string | null => {
    const file = normalize(join(dir, rest));
    return file.startsWith(dir + sep) ? file : null;
  };
  if (path === "/examples/web/") return join(page, "index.html");
  const ext = extname(path);
  if (ext === ".js" || ext === ".map") {
    if (path.startsWith("/host/") || path.startsWith("/examples/web/")) return inside(dist, path);
    return null;
  }
  if (path.startsWith("/examples/web/") && [".html", ".css", ".svg"].includes(ext)) {
    return inside(page, path.slice(14));
  }
  return null;
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Uint8Array,
  isolated: boolean,
  more: Record<string, string> = {},
): void {
  response.writeHead(status, headers(isolated, { "content-type": type, ...more })).end(body);
}

/** COOP and COEP make the page cross-origin isolated: its workers may share memory. */
function headers(isolated: boolean, more: Record<string, string>): Record<string, string> {
  return {
    "cache-control": "no-cache",
    "cross-origin-resource-policy": "same-origin",
    ...(isolated
      ? {
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        }
      : {}),
    ...more,
  };
}

function notFound(response: ServerResponse, path: string, isolated: boolean): void {
  send(response, 404, "text/plain; charset=utf-8", `not found: ${path}\n`, isolated);
}

/** The first sentence of the comment that opens a kernel's source. */
function summaryOf(source: string): string {
  const lines: string[] = [];
  for (const line of source.split("\n")) {
    const m = /^\/\/\s?(.*)$/.exec(line);
    if (m === null || (m[1] as string).trim() === "") break;
    lines.push((m[1] as string).trim());
  }
  const text = lines.join(" ").replace(/^[\w-]+:\s*/, "");
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** `--port N --host H`: the isolated page on N, the copying fallback on N + 1. */
async function main(argv: readonly string[]): Promise<void> {
  let port = 8000;
  let host = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (flag === "--port" && value !== undefined && /^\d+$/.test(value)) port = Number(value);
    else if (flag === "--host" && value !== undefined) host = value;
    else {
      console.error(`demo: unknown option ${flag ?? ""} (options: --port N, --host H)`);
      process.exit(2);
    }
  }
  console.log("demo: compiling the examples (cached after the first time)...");
  const shared = await startDemoServer({ port, host });
  const copying = await startDemoServer({ port: port + 1, host, isolated: false });
  console.log(`demo: ${shared.url}  ranks share memory (cross-origin isolated)`);
  console.log(`demo: ${copying.url}  the same page not isolated: ranks copy every message`);
  console.log("demo: Ctrl-C stops the server");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
