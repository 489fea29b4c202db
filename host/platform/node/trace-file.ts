/** Writing a job's trace to a file under Node, an event per line. */
import { open } from "node:fs/promises";
import type { ChromeTrace } from "../../trace/chrome.js";

/** Events per write: one string for all of a long job's events could pass V8's limit. */
const CHUNK = 10_000;

/** Creates (or empties) the file at once, so that a path that cannot be written fails early. */
export async function openTraceFile(path: string) {
  const file = await open(path, "w");
  return {
    async write(trace: ChromeTrace): Promise<void> {
      const { traceEvents, ...rest } = trace;
      const head = JSON.stringify(rest).slice(0, -1);
      await file.write(`${head},"traceEvents":[\n`);
      for (let at = 0; at < traceEvents.length; at += CHUNK) {
        const lines = traceEvents.slice(at, at + CHUNK).map((e) => JSON.stringify(e));
        const last = at + CHUNK >= traceEvents.length;
        await file.write(`${lines.join(",\n")}${last ? "\n" : ",\n"}`);
      }
      await file.write("]}\n");
    },
    close: () => file.close(),
  };
}
