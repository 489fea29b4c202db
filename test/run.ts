/**
 * Runs every test suite with uvu against the built package and ends with the line
 * `N passed, N failed` (uvu's own summary says it differently).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const uvuBin = join(dirname(createRequire(import.meta.url).resolve("uvu")), "..", "bin.js");
const pattern = `${process.argv[2] ?? ""}.*\\.test\\.js$`;

const child = spawn(process.execPath, [uvuBin, here, pattern], {
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on("close", (code) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: uvu colours its summary
  const plain = out.replace(/\u001b\[[0-9;]*m/g, "");
  const number = (label: string): number =>
    Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0);
  const total = number("Total");
  const passed = number("Passed");
  const skipped = number("Skipped");
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  process.stdout.write(
    `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`,
  );
  process.exitCode = code === 0 && failed === 0 && total + skipped > 0 ? 0 : 1;
});
