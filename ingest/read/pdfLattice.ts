/**
 * Ruled tables of a PDF page: ruling lines from the operator list, merged and intersected into cell grids,
 * spans where an inner border is missing.
 */

/** Horizontal (`y`, `a`..`b` along x) or vertical (`x`, `a`..`b` along y) ruling segment in page space. */
export interface Rule {
  at: number;
  a: number;
  b: number;
}

export interface Rulings {
  h: Rule[];
  v: Rule[];
}

export type Matrix = [number, number, number, number, number, number];

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

export function multiply(m: Matrix, n: Matrix): Matrix {
  // m applied first, then n (PDF row-vector convention: m × n)
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

export const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** The pdf.js operator codes the collector needs (pdfjs-dist `OPS`). */
export interface OpCodes {
  save: number;
  restore: number;
  transform: number;
  constructPath: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
}

/** Thickest filled rectangle still read as a drawn line. */
const LINE_THICKNESS = 3;

/**
 * Collects ruling segments: stroked axis-aligned lines and rectangle edges, and thin filled rectangles.
 * `base` maps user space to the upright page the reader works in.
 */
export function collectRulings(fnArray: number[], argsArray: unknown[], OPS: OpCodes, base: Matrix = IDENTITY): Rulings {
  const h: Rule[] = [];
  const v: Rule[] = [];
  let ctm: Matrix = base;
  const stack: Matrix[] = [];
  const strokes = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const fills = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);

  const addSegment = (x1: number, y1: number, x2: number, y2: number): void => {
    if (Math.abs(y1 - y2) < 0.5 && Math.abs(x2 - x1) > 1) h.push({ at: (y1 + y2) / 2, a: Math.min(x1, x2), b: Math.max(x1, x2) });
    else if (Math.abs(x1 - x2) < 0.5 && Math.abs(y2 - y1) > 1) v.push({ at: (x1 + x2) / 2, a: Math.min(y1, y2), b: Math.max(y1, y2) });
  };

  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? base;
    else if (fn === OPS.transform) ctm = multiply(args as unknown as Matrix, ctm);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = args?.[0] as Matrix | null | undefined;
      if (m && m.length === 6) ctm = multiply(Array.from(m) as Matrix, ctm);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? base;
    else if (fn === OPS.constructPath && args) {
      const paint = args[0] as number;
      const stroke = strokes.has(paint);
      const fill = fills.has(paint);
      if (!stroke && !fill) continue;
      for (const sub of subpaths(args[1], ctm)) {
        const rect = asRect(sub.points);
        if (rect && fill && !stroke) {
          const [x0, y0, x1, y1] = rect;
          const w = x1 - x0;
          const ht = y1 - y0;
          if (ht <= LINE_THICKNESS && w > LINE_THICKNESS) h.push({ at: (y0 + y1) / 2, a: x0, b: x1 });
          else if (w <= LINE_THICKNESS && ht > LINE_THICKNESS) v.push({ at: (x0 + x1) / 2, a: y0, b: y1 });
          continue;
        }
        if (!stroke || sub.curved) continue;
        const pts = sub.points;
        for (let k = 1; k < pts.length; k++) addSegment(pts[k - 1]![0], pts[k - 1]![1], pts[k]![0], pts[k]![1]);
        if (sub.closed && pts.length > 2) addSegment(pts[pts.length - 1]![0], pts[pts.length - 1]![1], pts[0]![0], pts[0]![1]);
      }
    }
  }
  return { h: mergeRules(h), v: mergeRules(v) };
}

interface SubPath {
  points: [number, number][];
  closed: boolean;
  curved: boolean;
}

/** Decodes pdf.js path data (DrawOPS: 0 moveTo, 1 lineTo, 2 curveTo, 3 quadraticCurveTo, 4 closePath). */
function subpaths(data: unknown, ctm: Matrix): SubPath[] {
  const arrays: ArrayLike<number>[] = [];
  if (Array.isArray(data) && data.length > 0 && typeof data[0] !== 'number') {
    for (const d of data) if (d && typeof (d as ArrayLike<number>).length === 'number') arrays.push(d as ArrayLike<number>);
  } else if (data && typeof (data as ArrayLike<number>).length === 'number') arrays.push(data as ArrayLike<number>);
  const out: SubPath[] = [];
  for (const p of arrays) {
    let cur: SubPath | null = null;
    for (let i = 0; i < p.length; ) {
      const op = p[i]!;
      if (op === 0) {
        cur = { points: [apply(ctm, p[i + 1]!, p[i + 2]!)], closed: false, curved: false };
        out.push(cur);
        i += 3;
      } else if (op === 1) {
        cur?.points.push(apply(ctm, p[i + 1]!, p[i + 2]!));
        i += 3;
      } else if (op === 2) {
        if (cur) {
          cur.curved = true;
          cur.points.push(apply(ctm, p[i + 5]!, p[i + 6]!));
        }
        i += 7;
      } else if (op === 3) {
        if (cur) {
          cur.curved = true;
          cur.points.push(apply(ctm, p[i + 3]!, p[i + 4]!));
        }
        i += 5;
      } else if (op === 4) {
        if (cur) cur.closed = true;
        i += 1;
      } else break;
    }
  }
  return out;
}

/** Axis-aligned rectangle [x0, y0, x1, y1] when the points trace one, else null. */
function asRect(points: [number, number][]): [number, number, number, number] | null {
  let pts = points;
  if (pts.length === 5 && Math.abs(pts[0]![0] - pts[4]![0]) < 0.01 && Math.abs(pts[0]![1] - pts[4]![1]) < 0.01) pts = pts.slice(0, 4);
  if (pts.length !== 4) return null;
  for (let k = 0; k < 4; k++) {
    const [ax, ay] = pts[k]!;
    const [bx, by] = pts[(k + 1) % 4]!;
    if (Math.abs(ax - bx) > 0.05 && Math.abs(ay - by) > 0.05) return null;
  }
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Merges collinear segments that touch or overlap. */
function mergeRules(rules: Rule[]): Rule[] {
  const sorted = [...rules].sort((p, q) => p.at - q.at || p.a - q.a);
  const rows: Rule[][] = [];
  for (const r of sorted) {
    const last = rows[rows.length - 1];
    if (last && Math.abs(last[0]!.at - r.at) <= 1) last.push(r);
    else rows.push([r]);
  }
  const out: Rule[] = [];
  for (const row of rows) {
    const at = row.reduce((s, r) => s + r.at, 0) / row.length;
    const byA = row.sort((p, q) => p.a - q.a);
    let cur: Rule = { at, a: byA[0]!.a, b: byA[0]!.b };
    for (const r of byA.slice(1)) {
      if (r.a <= cur.b + 1.5) cur.b = Math.max(cur.b, r.b);
      else {
        out.push(cur);
        cur = { at, a: r.a, b: r.b };
      }
    }
    out.push(cur);
  }
  return out;
}

/** A cell grid found from ruling lines. Boundaries: `ys` top to bottom, `xs` left to right. */
export interface Grid {
  xs: number[];
  ys: number[];
  /** Anchor slots with spans, in row-major order. */
  anchors: { r: number; c: number; rowSpan: number; colSpan: number }[];
  /** The vertical rules run past the top / bottom horizontal rule: the table continues across a page break. */
  openTop: boolean;
  openBottom: boolean;
}

const TOL = 2;
/**
 * Rules this close are one border: the two lines of a cell-by-cell boxed table (border-spacing) or of a
 * double border. Rows and columns are never this narrow.
 */
const SAME_BORDER = 5;

/** Cell grids of the page, one per connected set of horizontal and vertical rules. */
export function findGrids({ h, v }: Rulings): Grid[] {
  const n = h.length + v.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < h.length; i++) {
    for (let j = 0; j < v.length; j++) {
      const hr = h[i]!;
      const vr = v[j]!;
      if (vr.at >= hr.a - SAME_BORDER && vr.at <= hr.b + SAME_BORDER && hr.at >= vr.a - SAME_BORDER && hr.at <= vr.b + SAME_BORDER) {
        parent[find(i)] = find(h.length + j);
      }
    }
  }
  const groups = new Map<number, { h: Rule[]; v: Rule[] }>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(find(i)) ?? { h: [], v: [] };
    if (i < h.length) g.h.push(h[i]!);
    else g.v.push(v[i - h.length]!);
    groups.set(find(i), g);
  }
  const grids: Grid[] = [];
  for (const g of groups.values()) {
    if (g.v.length < 2 || g.h.length < 1) continue;
    const grid = buildGrid(g.h, g.v);
    if (grid) grids.push(grid);
  }
  return grids;
}

function cluster(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last && x - last[0]! <= SAME_BORDER) last.push(x);
    else out.push([x]);
  }
  return out.map((c) => c.reduce((s, x) => s + x, 0) / c.length);
}

function buildGrid(h: Rule[], v: Rule[]): Grid | null {
  const xs = cluster(v.map((r) => r.at));
  let ys = cluster(h.map((r) => r.at)).reverse();
  const vTop = Math.max(...v.map((r) => r.b));
  const vBottom = Math.min(...v.map((r) => r.a));
  const openTop = vTop > ys[0]! + 3 * TOL;
  const openBottom = vBottom < ys[ys.length - 1]! - 3 * TOL;
  if (openTop) ys = [vTop, ...ys];
  if (openBottom) ys = [...ys, vBottom];
  // Horizontal rules reaching past the outer verticals (a caption underline, say) do not add columns.
  const left = xs[0]!;
  const right = xs[xs.length - 1]!;
  if (ys.length < 2 || xs.length < 2 || right - left < 10) return null;
  const rows = ys.length - 1;
  const cols = xs.length - 1;

  const hasH = (i: number, c: number): boolean => {
    const y = ys[i]!;
    const w = xs[c + 1]! - xs[c]!;
    const lo = xs[c]! + w * 0.25;
    const hi = xs[c + 1]! - w * 0.25;
    return h.some((r) => Math.abs(r.at - y) <= SAME_BORDER / 2 + 0.5 && r.a <= lo && r.b >= hi);
  };
  const hasV = (j: number, r: number): boolean => {
    const x = xs[j]!;
    const ht = ys[r]! - ys[r + 1]!;
    const lo = ys[r + 1]! + ht * 0.25;
    const hi = ys[r]! - ht * 0.25;
    return v.some((s) => Math.abs(s.at - x) <= SAME_BORDER / 2 + 0.5 && s.a <= lo && s.b >= hi);
  };

  const taken = Array.from({ length: rows }, () => Array<boolean>(cols).fill(false));
  const anchors: Grid['anchors'] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (taken[r]![c]) continue;
      let colSpan = 1;
      while (c + colSpan < cols && !taken[r]![c + colSpan] && !hasV(c + colSpan, r)) colSpan++;
      let rowSpan = 1;
      while (r + rowSpan < rows) {
        let open = true;
        for (let k = c; k < c + colSpan; k++) if (hasH(r + rowSpan, k) || taken[r + rowSpan]![k]) open = false;
        if (!open) break;
        rowSpan++;
      }
      for (let rr = r; rr < r + rowSpan; rr++) for (let cc = c; cc < c + colSpan; cc++) taken[rr]![cc] = true;
      anchors.push({ r, c, rowSpan, colSpan });
    }
  }
  return { xs, ys, anchors, openTop, openBottom };
}
