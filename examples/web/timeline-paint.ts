/**
 * One frame of the timeline: a track per rank, a bar per wasmpi call coloured by its kind, an
 * arrow per message, a time axis above. A long job makes hundreds of thousands of calls, so a
 * frame visits only the calls in view and draws calls narrower than a pixel as one mark per
 * pixel column: zoomed out it costs about what it costs zoomed in.
 */
import { rankColour } from "./rank-colour.js";
import { ticks } from "./time-scale.js";
import {
  CALL_KINDS,
  type CallRef,
  firstEndingAfter,
  type Message,
  type Timeline,
  type Track,
} from "./timeline-model.js";

/** Layout, in CSS pixels. */
export const AXIS_HEIGHT = 24;
export const ROW_HEIGHT = 30;
export const BAR_HEIGHT = 20;
const GUTTER = 64;
const RIGHT_MARGIN = 12;
const TICK_SPACING = 110;

/** The part of the job in view, `from` to `to` (µs), across `width` CSS pixels. */
export class Viewport {
  readonly plotWidth: number;

  constructor(
    readonly from: number,
    readonly to: number,
    readonly width: number,
  ) {
    this.plotWidth = Math.max(1, width - GUTTER - RIGHT_MARGIN);
  }

  x(time: number): number {
    return GUTTER + ((time - this.from) * this.plotWidth) / (this.to - this.from);
  }

  time(x: number): number {
    return this.from + ((x - GUTTER) * (this.to - this.from)) / this.plotWidth;
  }

  /** Microseconds per pixel. */
  get resolution(): number {
    return (this.to - this.from) / this.plotWidth;
  }

  /** The track under `y`, or -1 above the tracks and left of them. */
  rowAt(x: number, y: number): number {
    return x < GUTTER || y < AXIS_HEIGHT ? -1 : Math.floor((y - AXIS_HEIGHT) / ROW_HEIGHT);
  }

  static barTop(rank: number): number {
    return AXIS_HEIGHT + rank * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  }

  static height(ranks: number): number {
    return AXIS_HEIGHT + ranks * ROW_HEIGHT + 4;
  }
}

export interface Palette {
  readonly ink: string;
  readonly muted: string;
  readonly grid: string;
  readonly stripe: string;
  readonly message: string;
  readonly accent: string;
  readonly error: string;
  /** By index in CALL_KINDS. */
  readonly kinds: readonly string[];
}

/** The colours come from the page's stylesheet, which names them once for the legend too. */
export function paletteOf(element: Element): Palette {
  const style = getComputedStyle(element);
  const colour = (name: string) => style.getPropertyValue(name).trim() || "#888888";
  return {
    ink: colour("--ink"),
    muted: colour("--muted"),
    grid: colour("--line"),
    stripe: colour("--back"),
    message: colour("--message"),
    accent: colour("--accent"),
    error: colour("--bad"),
    kinds: CALL_KINDS.map((kind) => colour(`--call-${kind}`)),
  };
}

/** How many bars and arrows a frame drew. */
export interface Drawn {
  readonly calls: number;
  readonly arrows: number;
}

/** Draws `timeline` as `view` shows it, `current` (hovered or focused) outlined. */
export function paint(
  context: CanvasRenderingContext2D,
  timeline: Timeline,
  view: Viewport,
  palette: Palette,
  current: CallRef | null,
): Drawn {
  const height = Viewport.height(timeline.tracks.length);
  context.clearRect(0, 0, view.width, height);
  context.font = "600 12px system-ui, sans-serif";
  context.textBaseline = "middle";
  for (const track of timeline.tracks) {
    const top = AXIS_HEIGHT + track.rank * ROW_HEIGHT;
    if (track.rank % 2 === 1) {
      context.fillStyle = palette.stripe;
      context.fillRect(0, top, view.width, ROW_HEIGHT);
    }
    context.fillStyle = rankColour(track.rank);
    context.fillText(`rank ${track.rank}`, 8, top + ROW_HEIGHT / 2);
  }
  paintAxis(context, view, palette, height);
  context.save();
  context.beginPath();
  context.rect(GUTTER, 0, view.plotWidth, height);
  context.clip();
  context.font = "11px system-ui, sans-serif";
  let calls = 0;
  for (const track of timeline.tracks) calls += paintTrack(context, view, palette, track);
  const arrows = paintArrows(context, view, timeline.messages, palette.message, 1);
  if (current !== null) paintCurrent(context, timeline, view, palette, current);
  context.restore();
  return { calls, arrows };
}

function paintAxis(
  context: CanvasRenderingContext2D,
  view: Viewport,
  palette: Palette,
  height: number,
): void {
  context.font = "11px system-ui, sans-serif";
  context.textBaseline = "top";
  context.lineWidth = 1;
  for (const tick of ticks(view.from, view.to, view.plotWidth / TICK_SPACING)) {
    const x = Math.round(view.x(tick.at)) + 0.5;
    context.strokeStyle = palette.grid;
    context.beginPath();
    context.moveTo(x, AXIS_HEIGHT - 6);
    context.lineTo(x, height);
    context.stroke();
    // A label that would run off the canvas is left out; its line says where it was.
    if (x + 3 + context.measureText(tick.label).width > view.width) continue;
    context.fillStyle = palette.muted;
    context.fillText(tick.label, x + 3, 4);
  }
  context.textBaseline = "middle";
}

/** Draws the calls of `track` in view and says how many marks that took. */
function paintTrack(
  context: CanvasRenderingContext2D,
  view: Viewport,
  palette: Palette,
  track: Track,
): number {
  const top = Viewport.barTop(track.rank);
  const right = GUTTER + view.plotWidth;
  let marks = 0;
  let lastColumn = Number.NEGATIVE_INFINITY;
  for (let i = firstEndingAfter(track, view.from); i < track.calls.length; i++) {
    const start = view.x(track.starts[i] as number);
    if (start > right) break;
    const end = view.x(track.ends[i] as number);
    context.fillStyle = palette.kinds[track.kinds[i] as number] as string;
    if (end - start < 1) {
      // Calls narrower than a pixel: the first in each column stands for the rest.
      const column = Math.floor(start);
      if (column <= lastColumn) continue;
      context.fillRect(column, top, 1, BAR_HEIGHT);
      lastColumn = column;
      marks++;
      continue;
    }
    context.fillRect(start, top, end - start, BAR_HEIGHT);
    lastColumn = Math.floor(end);
    marks++;
    const call = track.calls[i];
    if (call === undefined) continue;
    if (call.args?.error !== undefined || call.args?.returned === false) {
      context.strokeStyle = palette.error;
      context.lineWidth = 2;
      context.strokeRect(start + 1, top + 1, end - start - 2, BAR_HEIGHT - 2);
    }
    const shownFrom = Math.max(start, GUTTER);
    if (Math.min(end, right) - shownFrom >= textWidth(context, call.name) + 8) {
      context.fillStyle = "#ffffff";
      context.fillText(call.name, shownFrom + 4, top + BAR_HEIGHT / 2);
    }
  }
  return marks;
}

/** Segments per stroke: one path of tens of thousands of crossing lines takes seconds. */
const ARROWS_PER_PATH = 256;

/**
 * Draws the arrows of `messages` in view and says how many. Arrows that would land on the
 * same pixels (many messages of a long job, zoomed out) are drawn once.
 */
function paintArrows(
  context: CanvasRenderingContext2D,
  view: Viewport,
  messages: readonly Message[],
  colour: string,
  lineWidth: number,
): number {
  context.strokeStyle = colour;
  context.fillStyle = colour;
  context.lineWidth = lineWidth;
  const drawn = new Set<string>();
  let lines = new Path2D();
  let heads = new Path2D();
  let pending = 0;
  const flush = () => {
    context.stroke(lines);
    context.fill(heads);
    lines = new Path2D();
    heads = new Path2D();
    pending = 0;
  };
  for (const { from, to, sentAt, receivedAt } of messages) {
    if (Math.max(sentAt, receivedAt) < view.from || Math.min(sentAt, receivedAt) > view.to) {
      continue;
    }
    const x1 = Math.round(view.x(sentAt));
    const x2 = Math.round(view.x(receivedAt));
    const key = `${from.rank} ${to.rank} ${x1} ${x2}`;
    if (drawn.has(key)) continue;
    drawn.add(key);
    // From the sending bar's edge that faces the receiver, to the receiving bar's.
    const down = to.rank >= from.rank;
    const y1 = Viewport.barTop(from.rank) + (down ? BAR_HEIGHT : 0);
    const y2 = Viewport.barTop(to.rank) + (down ? 0 : BAR_HEIGHT);
    lines.moveTo(x1, y1);
    lines.lineTo(x2, y2);
    const length = Math.hypot(x2 - x1, y2 - y1);
    if (length > 8) {
      const [ux, uy] = [(x2 - x1) / length, (y2 - y1) / length];
      heads.moveTo(x2, y2);
      heads.lineTo(x2 - ux * 6 + uy * 3, y2 - uy * 6 - ux * 3);
      heads.lineTo(x2 - ux * 6 - uy * 3, y2 - uy * 6 + ux * 3);
      heads.closePath();
    }
    if (++pending === ARROWS_PER_PATH) flush();
  }
  flush();
  return drawn.size;
}

/** Outlines the current call and draws its messages over the others. */
function paintCurrent(
  context: CanvasRenderingContext2D,
  timeline: Timeline,
  view: Viewport,
  palette: Palette,
  current: CallRef,
): void {
  const track = timeline.tracks[current.rank];
  if (track === undefined) return;
  const start = view.x(track.starts[current.index] as number);
  const end = Math.max(view.x(track.ends[current.index] as number), start + 1);
  context.strokeStyle = palette.ink;
  context.lineWidth = 2;
  context.strokeRect(start - 1, Viewport.barTop(current.rank) - 1, end - start + 2, BAR_HEIGHT + 2);
  const own = (end: CallRef) => end.rank === current.rank && end.index === current.index;
  const messages = timeline.messages.filter((m) => own(m.from) || own(m.to));
  paintArrows(context, view, messages, palette.accent, 2);
}

const textWidths = new Map<string, number>();

/** Call names are few: each is measured once. */
function textWidth(context: CanvasRenderingContext2D, text: string): number {
  let width = textWidths.get(text);
  if (width === undefined) {
    width = context.measureText(text).width;
    textWidths.set(text, width);
  }
  return width;
}
