// Contour lines of a function sampled on a grid (marching squares), joined
// into polylines so that each line is one path in the chart.

/** A function sampled on a grid: `z[j][i] = f(xs[i], ys[j])`. */
export interface Grid {
  /** The x coordinates of the grid columns, increasing. */
  xs: number[];
  /** The y coordinates of the grid rows, increasing. */
  ys: number[];
  /** The sampled values, row by row: `z[j][i]` at `(xs[i], ys[j])`. */
  z: number[][];
}

/** One contour line: the points of a polyline at one level (closed when first = last). */
export interface ContourLine {
  /** The level: f = level along the line. */
  level: number;
  /** The points of the polyline. */
  points: [number, number][];
}

// Edges of cell (i, j) whose corners are a = (i, j), b = (i+1, j), c = (i+1, j+1), d = (i, j+1).
const BOTTOM = 0; // a–b
const RIGHT = 1; // b–c
const TOP = 2; // d–c
const LEFT = 3; // a–d

// Segments (pairs of edges) for the 16 corner cases, bit k set when corner k
// (a, b, c, d) is above the level. Saddles (5, 10) are resolved below.
const CASES: number[][][] = [
  [],
  [[LEFT, BOTTOM]],
  [[BOTTOM, RIGHT]],
  [[LEFT, RIGHT]],
  [[RIGHT, TOP]],
  [], // saddle
  [[BOTTOM, TOP]],
  [[LEFT, TOP]],
  [[LEFT, TOP]],
  [[BOTTOM, TOP]],
  [], // saddle
  [[RIGHT, TOP]],
  [[LEFT, RIGHT]],
  [[BOTTOM, RIGHT]],
  [[LEFT, BOTTOM]],
  [],
];

/** The contour lines of `grid` at each of `levels`, in level order. */
export function contourLines(grid: Grid, levels: readonly number[]): ContourLine[] {
  const out: ContourLine[] = [];
  for (const level of levels) {
    for (const points of linesAt(grid, level)) out.push({ level, points });
  }
  return out;
}

function linesAt({ xs, ys, z }: Grid, level: number): [number, number][][] {
  const nx = xs.length;
  const ny = ys.length;
  // A crossing lies on one grid edge, shared by the two cells around it: key it by that edge.
  const edgeKey = (i: number, j: number, edge: number): number => {
    switch (edge) {
      case BOTTOM:
        return 2 * (j * nx + i);
      case TOP:
        return 2 * ((j + 1) * nx + i);
      case LEFT:
        return 2 * (j * nx + i) + 1;
      default: // RIGHT
        return 2 * (j * nx + i + 1) + 1;
    }
  };
  const point = new Map<number, [number, number]>();
  const cross = (i: number, j: number, edge: number): number => {
    const key = edgeKey(i, j, edge);
    if (!point.has(key)) {
      const [i0, j0, i1, j1] = edge === BOTTOM
        ? [i, j, i + 1, j]
        : edge === TOP
        ? [i, j + 1, i + 1, j + 1]
        : edge === LEFT
        ? [i, j, i, j + 1]
        : [i + 1, j, i + 1, j + 1];
      const v0 = z[j0][i0];
      const v1 = z[j1][i1];
      const t = (level - v0) / (v1 - v0);
      point.set(key, [xs[i0] + t * (xs[i1] - xs[i0]), ys[j0] + t * (ys[j1] - ys[j0])]);
    }
    return key;
  };
  const links = new Map<number, number[]>();
  const link = (p: number, q: number) => {
    (links.get(p) ?? links.set(p, []).get(p)!).push(q);
    (links.get(q) ?? links.set(q, []).get(q)!).push(p);
  };
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = z[j][i];
      const b = z[j][i + 1];
      const c = z[j + 1][i + 1];
      const d = z[j + 1][i];
      const index = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) |
        (d > level ? 8 : 0);
      let segments = CASES[index];
      if (index === 5 || index === 10) {
        const centreAbove = (a + b + c + d) / 4 > level;
        // Cut off the corners that are on the other side of the level from the centre.
        const cutAC = (index === 5) !== centreAbove; // a and c are cut off
        segments = cutAC ? [[LEFT, BOTTOM], [RIGHT, TOP]] : [[BOTTOM, RIGHT], [LEFT, TOP]];
      }
      for (const [e0, e1] of segments) link(cross(i, j, e0), cross(i, j, e1));
    }
  }
  // Every crossing has one or two neighbours: walk open paths from their ends, then cycles.
  const visited = new Set<number>();
  const walk = (start: number): [number, number][] => {
    const path: [number, number][] = [];
    let prev = -1;
    let cur = start;
    while (true) {
      visited.add(cur);
      path.push(point.get(cur)!);
      const next = (links.get(cur) ?? []).find((k) => k !== prev && !visited.has(k));
      if (next === undefined) {
        // Close a cycle back to its start.
        if (cur !== start && (links.get(cur) ?? []).includes(start) && path.length > 2) {
          path.push(point.get(start)!);
        }
        return path;
      }
      prev = cur;
      cur = next;
    }
  };
  const lines: [number, number][][] = [];
  for (const [key, neighbours] of links) {
    if (neighbours.length === 1 && !visited.has(key)) lines.push(walk(key));
  }
  for (const key of links.keys()) {
    if (!visited.has(key)) lines.push(walk(key));
  }
  return lines;
}
