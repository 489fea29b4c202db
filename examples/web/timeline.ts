/**
 * The demo's timeline panel: the job just run, drawn from its trace, with a link that saves
 * the trace as a file Perfetto opens. Where no trace was recorded (tracing off, or a page whose
 * ranks cannot share memory) it says why in one sentence instead.
 */
import type { ChromeTrace } from "../../host/platform/web/index.js";
import { formatDuration } from "./time-scale.js";
import { TimelineCanvas } from "./timeline-canvas.js";
import { messagePairs, timelineOf } from "./timeline-model.js";

/** idle: no timeline yet; recording: a traced job runs; unavailable: this page cannot trace. */
export type TimelineState = "idle" | "recording" | "unavailable" | "ready";

export class TimelinePanel {
  readonly #facts: HTMLElement;
  readonly #note: HTMLElement;
  readonly #plot: HTMLElement;
  readonly #download: HTMLAnchorElement;
  #view: TimelineCanvas | null = null;
  #trace: ChromeTrace | null = null;
  #fileUrl: string | null = null;

  constructor(readonly root: HTMLElement) {
    const part = <T extends HTMLElement>(selector: string) => root.querySelector(selector) as T;
    this.#facts = part(".timeline-facts");
    this.#note = part(".timeline-note");
    this.#plot = part(".timeline-body");
    this.#download = part<HTMLAnchorElement>(".download");
    this.#download.addEventListener("click", () => this.#prepareDownload());
    for (const button of root.querySelectorAll<HTMLButtonElement>("button[data-zoom]")) {
      button.addEventListener("click", () => {
        const view = this.#view;
        if (button.dataset.zoom === "in") view?.zoomIn();
        else if (button.dataset.zoom === "out") view?.zoomOut();
        else view?.fit();
      });
    }
  }

  /** A sentence in place of the timeline. */
  say(state: Exclude<TimelineState, "ready">, text: string): void {
    this.#clear();
    this.root.dataset.state = state;
    this.#note.textContent = text;
  }

  /** Draws the job's trace; `file` names the trace when it is downloaded. */
  show(trace: ChromeTrace, file: string): void {
    this.#clear();
    const timeline = timelineOf(trace);
    this.#trace = trace;
    this.#download.download = file;
    const ranks = timeline.tracks.length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    this.#facts.textContent = [
      plural(ranks, "rank"),
      plural(timeline.calls, "call"),
      plural(timeline.messages.length, "message"),
      formatDuration(timeline.end - timeline.start),
    ].join(" · ");
    Object.assign(this.root.dataset, {
      state: "ready",
      ranks: String(ranks),
      calls: String(timeline.calls),
      messages: String(timeline.messages.length),
      pairs: messagePairs(timeline).join(" "),
    });
    if (timeline.calls === 0) {
      this.#note.textContent =
        "No wasmpi call was recorded: ranks stopped at a deadline leave none.";
      return;
    }
    this.#view = new TimelineCanvas(timeline);
    this.#plot.append(this.#view.root);
  }

  #clear(): void {
    this.#view?.destroy();
    this.#view = null;
    this.#trace = null;
    if (this.#fileUrl !== null) URL.revokeObjectURL(this.#fileUrl);
    this.#fileUrl = null;
    this.#download.href = "#timeline";
    this.#facts.textContent = "";
    this.#note.textContent = "";
    for (const key of ["ranks", "calls", "messages", "pairs"]) delete this.root.dataset[key];
  }

  /**
   * The file is made when it is first asked for, not with every job: a long job's trace is
   * tens of megabytes of JSON. The click's default action then follows the new href.
   */
  #prepareDownload(): void {
    if (this.#fileUrl !== null || this.#trace === null) return;
    const json = JSON.stringify(this.#trace);
    this.#fileUrl = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    this.#download.href = this.#fileUrl;
  }
}
