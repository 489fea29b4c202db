/** Each rank's colour, the same in its output pane and on its timeline track. */

/** Hues far apart for neighbouring ranks, starting from the page's blue. */
export function rankHue(rank: number): number {
  return (rank * 47 + 220) % 360;
}

export function rankColour(rank: number): string {
  return `hsl(${rankHue(rank)} 65% 45%)`;
}
