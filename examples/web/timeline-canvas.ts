/**
 * A job's timeline on a canvas (timeline-paint.ts draws it), and what the reader does with it.
 * A canvas and not SVG: a long job makes hundreds of thousands of calls, too many elements for
 * a page, and each is drawn only while in view.
 *
 * Hover or focus a bar for its details; drag to pan; Ctrl + wheel (a pinch), + and - zoom,
 * 0 fits the whole job; the arrow keys move from call to call and from rank to rank.
 */
import { callDetails } from "./call-details.js";
import {
  type CallRef,
  callAt,
  firstEndingAfter,
  type Timeline,
  type Track,
} from "./timeline-model.js";
import { BAR_HEIGHT, type Palette, paint, paletteOf, Viewport } from "./timeline-paint.js";

/** How close (px) the pointer must come to a call narrower than that to pick it. */
const PICK_SLACK = 3;
/** The narrowest view (µs): two ticks of an isolated page's clock (5 µs); no finer is known. */
const MIN_SPAN = 10;
const ZOOM_STEP = 1.6;

export class TimelineCanvas {
  readonly root = document.createElement("div");
  readonly #canvas = document.createElement("canvas");
  readonly #tip = document.createElement("div");
  readonly #timeline: Timeline;
  readonly #full: { readonly from: number; readonly to: number };
  #from: number;
  #to: number;
  #hovered: CallRef | null = null;
  /** Where the pointer is over the canvas (CSS px from its left), while it is. */
  #pointerX: number | null = null;
  #selected: CallRef | null = null;
  #drag: { x: number; moved: boolean } | null = null;
  #frame = 0;
  #palette: Palette | null = null;
  readonly #resize = new ResizeObserver(() => this.#schedule());

  constructor(timeline: Timeline) {
    this.#timeline = timeline;
    const span = Math.max(timeline.end - timeline.start, MIN_SPAN);
    this.#full = { from: timeline.start - span * 0.02, to: timeline.end + span * 0.02 };
    this.#from = this.#full.from;
    this.#to = this.#full.to;
    this.root.className = "timeline-plot";
    const canvas = this.#canvas;
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-roledescription", "timeline");
    canvas.setAttribute(
      "aria-label",
      `${timeline.calls} calls on ${timeline.tracks.length} ranks: the arrow keys move from call to call`,
    );
    this.#tip.className = "timeline-tip";
    this.#tip.setAttribute("role", "status");
    this.#tip.hidden = true;
    this.root.append(canvas, this.#tip);
    canvas.addEventListener("pointerdown", (e) => this.#pointerDown(e));
    canvas.addEventListener("pointermove", (e) => this.#pointerMove(e));
    canvas.addEventListener("pointerup", (e) => this.#pointerUp(e));
    canvas.addEventListener("pointerleave", () => {
      this.#pointerX = null;
      this.#hover(null);
    });
    canvas.addEventListener("wheel", (e) => this.#wheel(e), { passive: false });
    canvas.addEventListener("keydown", (e) => this.#key(e));
    canvas.addEventListener("focus", () => this.#focus());
    canvas.addEventListener("blur", () => this.#schedule());
    this.#resize.observe(this.root);
  }

  /** Zooms in (factor < 1) or out around `around` (µs; the middle of the view by default). */
  zoom(factor: number, around = (this.#from + this.#to) / 2): void {
    const full = this.#full.to - this.#full.from;
    const span = Math.min(Math.max((this.#to - this.#from) * factor, MIN_SPAN), full);
    const from = around - (around - this.#from) * (span / (this.#to - this.#from));
    this.#show(from, span);
  }

  zoomIn(): void {
    this.zoom(1 / ZOOM_STEP, this.#selectedMiddle());
  }

  zoomOut(): void {
    this.zoom(ZOOM_STEP, this.#selectedMiddle());
  }

  fit(): void {
    this.#show(this.#full.from, this.#full.to - this.#full.from);
  }

  /** Stops watching the page: the timeline of a new job replaces this one. */
  destroy(): void {
    this.#resize.disconnect();
    cancelAnimationFrame(this.#frame);
    this.root.remove();
  }

  /** Shows `span` µs from `from`, kept inside the job. */
  #show(from: number, span: number): void {
    const start = Math.min(Math.max(from, this.#full.from), this.#full.to - span);
    this.#from = start;
    this.#to = start + span;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#draw());
  }

  /** The view as drawn now. */
  get #view(): Viewport {
    return new Viewport(this.#from, this.#to, this.root.clientWidth);
  }

  #draw(): void {
    this.#frame = 0;
    const width = this.root.clientWidth;
    const context = this.#canvas.getContext("2d");
    if (width === 0 || context === null) return;
    const height = Viewport.height(this.#timeline.tracks.length);
    const ratio = window.devicePixelRatio || 1;
    if (this.#canvas.width !== Math.round(width * ratio)) {
      this.#canvas.width = Math.round(width * ratio);
    }
    if (this.#canvas.height !== Math.round(height * ratio)) {
      this.#canvas.height = Math.round(height * ratio);
      this.#canvas.style.height = `${height}px`;
    }
    this.#palette ??= paletteOf(this.root);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const current = this.#current();
    const drawn = paint(context, this.#timeline, this.#view, this.#palette, current);
    this.root.dataset.drawnCalls = String(drawn.calls);
    this.root.dataset.drawnArrows = String(drawn.arrows);
    this.#showTip(current);
  }

  #current(): CallRef | null {
    return this.#hovered ?? (document.activeElement === this.#canvas ? this.#selected : null);
  }

  #showTip(call: CallRef | null): void {
    const event = call === null ? undefined : this.#timeline.tracks[call.rank]?.calls[call.index];
    if (call === null || event === undefined) {
      this.#tip.hidden = true;
      return;
    }
    this.#tip.replaceChildren(...callDetails(event));
    this.#tip.hidden = false;
    const track = this.#timeline.tracks[call.rank] as Track;
    const view = this.#view;
    // Beside the pointer, or else over the middle of the call.
    const anchor =
      call === this.#hovered && this.#pointerX !== null
        ? this.#pointerX
        : (view.x(track.starts[call.index] as number) + view.x(track.ends[call.index] as number)) /
          2;
    const left = Math.min(
      anchor - this.#tip.offsetWidth / 2,
      this.root.clientWidth - this.#tip.offsetWidth,
    );
    // Below the bar on the upper tracks, above it on the lower ones: toward the other ranks.
    const below = call.rank < this.#timeline.tracks.length / 2;
    const top = below
      ? Viewport.barTop(call.rank) + BAR_HEIGHT + 6
      : Viewport.barTop(call.rank) - this.#tip.offsetHeight - 6;
    this.#tip.style.left = `${Math.max(0, left)}px`;
    this.#tip.style.top = `${top}px`;
  }

  /** The call under a pointer on the canvas, if any. */
  #pick(event: PointerEvent): CallRef | null {
    const view = this.#view;
    const track = this.#timeline.tracks[view.rowAt(event.offsetX, event.offsetY)];
    return callAt(track, view.time(event.offsetX), PICK_SLACK * view.resolution);
  }

  #hover(call: CallRef | null): void {
    if (call?.rank === this.#hovered?.rank && call?.index === this.#hovered?.index) return;
    this.#hovered = call;
    this.#schedule();
  }

  #pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.#drag = { x: event.clientX, moved: false };
    this.#canvas.setPointerCapture(event.pointerId);
  }

  #pointerMove(event: PointerEvent): void {
    const drag = this.#drag;
    if (drag === null) {
      this.#pointerX = event.offsetX;
      const before = this.#hovered;
      this.#hover(this.#pick(event));
      // Along one call, only the tip moves with the pointer: no need to draw again.
      if (this.#hovered !== null && this.#hovered === before) this.#showTip(before);
      return;
    }
    const dx = event.clientX - drag.x;
    if (Math.abs(dx) < 3 && !drag.moved) return;
    drag.moved = true;
    drag.x = event.clientX;
    this.#hover(null);
    const span = this.#to - this.#from;
    this.#show(this.#from - dx * this.#view.resolution, span);
  }

  #pointerUp(event: PointerEvent): void {
    // A press that did not drag picks the call under it, as the keyboard would.
    if (this.#drag !== null && !this.#drag.moved) {
      this.#selected = this.#pick(event);
      this.#canvas.focus();
      this.#schedule();
    }
    this.#drag = null;
  }

  #wheel(event: WheelEvent): void {
    const span = this.#to - this.#from;
    // A plain wheel scrolls the page; Ctrl (a pinch on a touchpad) zooms, sideways pans.
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      this.zoom(Math.exp(event.deltaY * 0.002), this.#view.time(event.offsetX));
    } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      event.preventDefault();
      const dx = event.shiftKey ? event.deltaY : event.deltaX;
      this.#show(this.#from + dx * this.#view.resolution, span);
    }
  }

  #focus(): void {
    // Reached by the keyboard (not a click, which picks its own call): start at the first call.
    if (this.#selected === null && this.#drag === null) {
      const first = this.#timeline.tracks.find(
        (t) => firstEndingAfter(t, this.#from) < t.calls.length,
      );
      if (first !== undefined) {
        this.#selected = { rank: first.rank, index: firstEndingAfter(first, this.#from) };
      }
    }
    this.#schedule();
  }

  #key(event: KeyboardEvent): void {
    const selected = this.#selected;
    switch (event.key) {
      case "ArrowLeft":
      case "ArrowRight":
        if (selected === null) return;
        this.#select(selected.rank, selected.index + (event.key === "ArrowLeft" ? -1 : 1));
        break;
      case "ArrowUp":
      case "ArrowDown":
        if (selected === null) return;
        this.#selectBeside(selected, event.key === "ArrowUp" ? -1 : 1);
        break;
      case "+":
      case "=":
        this.zoomIn();
        break;
      case "-":
        this.zoomOut();
        break;
      case "0":
        this.fit();
        break;
      case "Escape":
        this.#selected = null;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.#schedule();
  }

  #select(rank: number, index: number): void {
    const track = this.#timeline.tracks[rank];
    if (track === undefined || index < 0 || index >= track.calls.length) return;
    this.#selected = { rank, index };
    // Bring the call into view, keeping the zoom.
    const start = track.starts[index] as number;
    const end = track.ends[index] as number;
    const span = this.#to - this.#from;
    if (end < this.#from || start > this.#to) this.#show((start + end) / 2 - span / 2, span);
  }

  /** Selects the call nearest in time to `call` on the next rank up or down that has calls. */
  #selectBeside(call: CallRef, direction: -1 | 1): void {
    const time = this.#selectedMiddle();
    for (let rank = call.rank + direction; ; rank += direction) {
      const track = this.#timeline.tracks[rank];
      if (track === undefined) return;
      if (track.calls.length === 0) continue;
      const after = Math.min(firstEndingAfter(track, time), track.calls.length - 1);
      const before = Math.max(after - 1, 0);
      const distance = (i: number) =>
        Math.abs(((track.starts[i] as number) + (track.ends[i] as number)) / 2 - time);
      this.#select(rank, distance(before) < distance(after) ? before : after);
      return;
    }
  }

  #selectedMiddle(): number {
    const call = this.#selected;
    const track = call === null ? undefined : this.#timeline.tracks[call.rank];
    if (call === null || track === undefined) return (this.#from + this.#to) / 2;
    return ((track.starts[call.index] as number) + (track.ends[call.index] as number)) / 2;
  }
}
