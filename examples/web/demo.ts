/**
 * The demo page: choose an example and a number of ranks, run it, and watch each rank's output
 * in its own pane, with the job's exit status and time, and the job's timeline.
 */
import {
  type ChromeTrace,
  COPYING_WARNING,
  type JobResult,
  type RankResult,
  run,
  transport,
} from "../../host/platform/web/index.js";
import { rankHue } from "./rank-colour.js";
import { TimelinePanel } from "./timeline.js";

interface KernelInfo {
  readonly name: string;
  readonly summary: string;
}

const RANK_CHOICES = [1, 2, 3, 4, 6, 8];
/** A job that runs longer stops and says where each rank is blocked. */
const DEADLINE_MS = 60_000;

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = element<HTMLFormElement>("job");
const exampleSelect = element<HTMLSelectElement>("example");
const ranksBox = element<HTMLDivElement>("ranks");
const argsInput = element<HTMLInputElement>("args");
const summary = element<HTMLParagraphElement>("summary");
const result = element<HTMLElement>("result");
const stateText = element<HTMLSpanElement>("state");
const exitText = element<HTMLElement>("exit");
const timeText = element<HTMLElement>("time");
const failures = element<HTMLUListElement>("failures");
const panes = element<HTMLElement>("panes");
const sourceName = element<HTMLElement>("source-name");
const source = element<HTMLPreElement>("source");
const timelineToggle = element<HTMLInputElement>("timeline-toggle");
const timeline = new TimelinePanel(element<HTMLElement>("timeline"));

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** A kernel compiled once per page: the job's time is the job's, not the compiler's. */
function moduleOf(name: string): Promise<WebAssembly.Module> {
  let module = modules.get(name);
  if (module === undefined) {
    module = WebAssembly.compileStreaming(fetch(`/kernels/${name}.wasm`));
    modules.set(name, module);
  }
  return module;
}

function showTransport(): void {
  const box = element<HTMLDivElement>("transport");
  const shared = transport() === "shared-memory";
  box.dataset.transport = transport();
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = shared ? "Shared memory" : "Copying fallback: slower";
  const text = document.createElement("span");
  text.textContent = shared
    ? "This page is cross-origin isolated: every rank reads and writes its peers' memory directly."
    : "This page is not cross-origin isolated: ranks cannot share memory, so every message is copied from worker to worker.";
  box.append(title, text);
  if (!shared) {
    const why = document.createElement("details");
    const label = document.createElement("summary");
    label.textContent = "Why is it slower?";
    const full = document.createElement("p");
    full.textContent = sentence(COPYING_WARNING);
    why.append(label, full);
    box.append(why);
  }
}

/** `text` with a capital first letter. */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function chooseRanks(np: number): void {
  for (const input of ranksBox.querySelectorAll("input"))
    input.checked = Number(input.value) === np;
}

function selectedRanks(): number {
  const checked = ranksBox.querySelector<HTMLInputElement>("input:checked");
  return Number(checked?.value ?? 4);
}

function buildRankChoices(): void {
  for (const n of RANK_CHOICES) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "ranks";
    input.value = String(n);
    const text = document.createElement("span");
    text.textContent = String(n);
    label.append(input, text);
    ranksBox.append(label);
  }
}

async function showExample(kernels: readonly KernelInfo[]): Promise<void> {
  const name = exampleSelect.value;
  summary.textContent = sentence(kernels.find((k) => k.name === name)?.summary ?? "");
  sourceName.textContent = `${name}.ts`;
  source.textContent = "";
  const response = await fetch(`/kernels/${name}.ts`);
  if (exampleSelect.value === name) source.textContent = await response.text();
  location.replace(`#${name}/${selectedRanks()}`);
}

/** One pane per rank: its output as it arrives, then how it ended. */
class Pane {
  readonly root = document.createElement("article");
  readonly #out = document.createElement("pre");
  readonly #chip = document.createElement("span");
  #pending: HTMLElement[] = [];

  constructor(readonly rank: number) {
    this.root.className = "pane";
    this.root.dataset.rank = String(rank);
    this.root.dataset.status = "running";
    this.root.style.setProperty("--hue", String(rankHue(rank)));
    const head = document.createElement("header");
    const name = document.createElement("span");
    name.className = "rank";
    name.textContent = `Rank ${rank}`;
    this.#chip.className = "chip";
    this.#chip.textContent = "running";
    head.append(name, this.#chip);
    this.#out.className = "out";
    this.root.append(head, this.#out);
  }

  line(stream: "stdout" | "stderr", text: string): void {
    const line = document.createElement("span");
    line.className = stream;
    line.textContent = `${text}\n`;
    // Lines are added once per frame: a chatty kernel does not stall the page.
    if (this.#pending.length === 0) requestAnimationFrame(() => this.flush());
    this.#pending.push(line);
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    this.#out.append(...this.#pending);
    this.#pending = [];
    this.#out.scrollTop = this.#out.scrollHeight;
  }

  end(rank: RankResult): void {
    this.flush();
    this.root.dataset.status = rank.status;
    this.#chip.textContent =
      rank.status === "exited"
        ? `exit ${rank.exitCode}`
        : rank.status === "failed"
          ? `failed (${rank.exitCode})`
          : "stopped";
    if (rank.error !== undefined) this.#chip.title = rank.error;
    // Say in the pane why it ended, where the class is looking.
    const why =
      rank.status === "failed"
        ? rank.error
        : rank.status === "aborted"
          ? (rank.error ?? "stopped: another rank failed")
          : undefined;
    if (why === undefined) return;
    const line = document.createElement("span");
    line.className = rank.status;
    line.textContent = why;
    this.#out.append(line);
  }
}

/** What the timeline panel says before a job, and on a page that cannot trace. */
function introduceTimeline(): void {
  if (transport() === "copying") {
    timeline.say(
      "unavailable",
      "No timeline on this page: wasmpi records a trace only where the ranks share memory, and this page is not cross-origin isolated.",
    );
  } else {
    timeline.say("idle", "Run an example to see when each rank made each wasmpi call.");
  }
}

function setState(state: "idle" | "running" | "done" | "failed", text: string): void {
  result.dataset.state = state;
  stateText.textContent = text;
}

function setBusy(busy: boolean): void {
  for (const control of form.querySelectorAll<
    HTMLInputElement | HTMLSelectElement | HTMLButtonElement
  >("input, select, button")) {
    control.disabled = busy;
  }
}

async function runExample(): Promise<void> {
  const name = exampleSelect.value;
  const np = selectedRanks();
  const args = argsInput.value.trim() === "" ? [] : argsInput.value.trim().split(/\s+/);
  // Tracing costs a little per call: a job is traced only while the timeline is asked for.
  const traced = timelineToggle.checked && transport() === "shared-memory";
  const traces: ChromeTrace[] = [];
  setBusy(true);
  failures.replaceChildren();
  if (traced) timeline.say("recording", "Recording the trace…");
  else introduceTimeline();
  const views = Array.from({ length: np }, (_, r) => new Pane(r));
  panes.replaceChildren(...views.map((v) => v.root));
  panes.dataset.ranks = String(np);
  setState("running", `Running ${name} on ${np} rank${np === 1 ? "" : "s"}…`);
  exitText.textContent = "–";
  timeText.textContent = "–";
  let job: JobResult;
  let ms: number;
  try {
    const module = await moduleOf(name);
    const started = performance.now();
    job = await run(module, {
      np,
      args,
      timeoutMs: DEADLINE_MS,
      onOutput: (rank, stream, line) => views[rank]?.line(stream, line),
      trace: traced ? (trace) => traces.push(trace) : undefined,
    });
    ms = performance.now() - started;
  } catch (error) {
    setState("failed", "Could not start");
    addFailure(error instanceof Error ? error.message : String(error));
    introduceTimeline();
    setBusy(false);
    return;
  }
  for (const rank of job.ranks) views[rank.rank]?.end(rank);
  const trace = traces[0];
  if (trace !== undefined) timeline.show(trace, `wasmpi-${name}-${np}-ranks.json`);
  exitText.textContent = String(job.exitCode);
  timeText.textContent = ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
  if (job.exitCode === 0) setState("done", `Finished on ${np} rank${np === 1 ? "" : "s"}`);
  else setState("failed", job.timedOut ? "Stopped at the deadline" : "Failed");
  result.dataset.exitCode = String(job.exitCode);
  for (const failure of job.failures) addFailure(`wasmpi: ${failure}`);
  for (const rank of job.ranks) {
    if (job.timedOut && rank.error !== undefined)
      addFailure(`wasmpi: rank ${rank.rank}: ${rank.error}`);
  }
  // The banner already says why a page that is not isolated is slower.
  for (const warning of job.warnings)
    if (warning !== COPYING_WARNING) addFailure(`warning: ${warning}`, "warning");
  setBusy(false);
}

function addFailure(text: string, kind = "failure"): void {
  const item = document.createElement("li");
  item.className = kind;
  item.textContent = text;
  failures.append(item);
}

async function main(): Promise<void> {
  showTransport();
  buildRankChoices();
  const kernels = (await (await fetch("/kernels/index.json")).json()) as KernelInfo[];
  for (const k of kernels) exampleSelect.add(new Option(k.name, k.name));
  const [wanted, ranks] = location.hash.slice(1).split("/");
  if (kernels.some((k) => k.name === wanted)) exampleSelect.value = wanted as string;
  else if (kernels.some((k) => k.name === "mpi_hello")) exampleSelect.value = "mpi_hello";
  chooseRanks(RANK_CHOICES.includes(Number(ranks)) ? Number(ranks) : 4);
  introduceTimeline();
  timelineToggle.addEventListener("change", () => {
    timeline.root.hidden = !timelineToggle.checked;
  });
  exampleSelect.addEventListener("change", () => void showExample(kernels));
  ranksBox.addEventListener("change", () =>
    location.replace(`#${exampleSelect.value}/${selectedRanks()}`),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void runExample();
  });
  await showExample(kernels);
  setBusy(false);
  document.body.dataset.ready = "true";
}

void main();
