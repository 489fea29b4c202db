/** What the timeline says about one call when it is hovered or focused. */
import type { TraceEvent } from "../../host/platform/web/index.js";
import { formatDuration, formatInstant } from "./time-scale.js";
import { commName, peerName } from "./timeline-model.js";

/** The call's name and rank, then a row per fact it has: peer, tag, bytes, ... */
export function callDetails(call: TraceEvent): HTMLElement[] {
  const title = document.createElement("p");
  title.className = "call";
  const name = document.createElement("strong");
  name.textContent = call.name;
  title.append(name, ` on rank ${call.tid}`);
  const rows: [string, string][] = [];
  const args = call.args ?? {};
  if (typeof args.peer === "number") rows.push(["peer", peerName(args.peer)]);
  if (typeof args.tag === "number") rows.push(["tag", String(args.tag)]);
  if (typeof args.bytes === "number") rows.push(["bytes", String(args.bytes)]);
  if (typeof args.comm === "number") rows.push(["comm", commName(args.comm)]);
  rows.push(["duration", formatDuration(call.dur ?? 0)], ["start", formatInstant(call.ts ?? 0)]);
  if (args.error !== undefined) rows.push(["error", String(args.error)]);
  if (args.returned === false) rows.push(["ended", "the job ended before it returned"]);
  const list = document.createElement("dl");
  for (const [term, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
  return [title, list];
}
