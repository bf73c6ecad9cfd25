/** The small dense linear algebra a randomized SVD needs, in plain TypeScript (deterministic, no deps). */

/** A sparse matrix in compressed rows: row r holds cols[ptr[r]..ptr[r+1]) with vals. */
export interface Csr {
  rows: number;
  cols: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** A (rows × cols, sparse) times X (cols × l, row-major) → rows × l. */
export function mulDense(a: Csr, x: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.rows * l);
  for (let r = 0; r < a.rows; r++) {
    const o = r * l;
    for (let p = a.ptr[r]!; p < a.ptr[r + 1]!; p++) {
      const v = a.val[p]!;
      const xo = a.idx[p]! * l;
      for (let j = 0; j < l; j++) out[o + j]! += v * x[xo + j]!;
    }
  }
  return out;
}

/** Aᵀ (cols × rows) times Y (rows × l, row-major) → cols × l. */
export function mulTransposeDense(a: Csr, y: Float64Array, l: number): Float64Array {
  const out = new Float64Array(a.cols * l);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let p = a.ptr[r]!; p < a.ptr[r + 1]!; p++) {
      const v = a.val[p]!;
      const o = a.idx[p]! * l;
      for (let j = 0; j < l; j++) out[o + j]! += v * y[yo + j]!;
    }
  }
  return out;
}

/** Orthonormalises the l columns of X (n × l, row-major) in place (modified Gram–Schmidt, done twice). */
export function orthonormalize(x: Float64Array, n: number, l: number): void {
  // Columns copied out contiguous: the same arithmetic, several times faster than strided access.
  const cols = Array.from({ length: l }, (_, j) => {
    const c = new Float64Array(n);
    for (let r = 0; r < n; r++) c[r] = x[r * l + j]!;
    return c;
  });
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < l; j++) {
      const cj = cols[j]!;
      for (let i = 0; i < j; i++) {
        const ci = cols[i]!;
        let dot = 0;
        for (let r = 0; r < n; r++) dot += ci[r]! * cj[r]!;
        if (dot !== 0) for (let r = 0; r < n; r++) cj[r]! -= dot * ci[r]!;
      }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += cj[r]! * cj[r]!;
      norm = Math.sqrt(norm);
      // A column the others already span (rank below l) is dropped, not amplified into noise.
      const scale = norm > 1e-10 ? 1 / norm : 0;
      for (let r = 0; r < n; r++) cj[r]! *= scale;
    }
  }
  for (let j = 0; j < l; j++) {
    const c = cols[j]!;
    for (let r = 0; r < n; r++) x[r * l + j] = c[r]!;
  }
}

/**
 * Eigen-decomposition of a symmetric l × l matrix: Householder tridiagonalisation and the implicit QL
 * method (after JAMA's tred2 / tql2). Values descending, vectors as columns (row-major l × l).
 */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const n = l;
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from(m.subarray(i * n, i * n + n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) d[j] = V[n - 1]![j]!;
  // tred2: Householder reduction to tridiagonal form.
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
        V[j]![i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[j]![i] = f;
        g = e[j]! + V[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k]![j]! * d[k]!;
          e[k]! += V[k]![j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k]![j]! -= f * e[k]! + g * d[k]!;
        d[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1]![i] = V[i]![i]!;
    V[i]![i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k]![i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k]![i + 1]! * V[k]![j]!;
        for (let k = 0; k <= i; k++) V[k]![j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k]![i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1]![j]!;
    V[n - 1]![j] = 0;
  }
  V[n - 1]![n - 1] = 1;
  e[0] = 0;
  // tql2: implicit QL on the tridiagonal matrix.
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l2 = 0; l2 < n; l2++) {
    tst1 = Math.max(tst1, Math.abs(d[l2]!) + Math.abs(e[l2]!));
    let mm = l2;
    while (mm < n) {
      if (Math.abs(e[mm]!) <= eps * tst1) break;
      mm++;
    }
    if (mm > l2) {
      for (let iter = 0; iter < 100; iter++) {
        let g = d[l2]!;
        let p = (d[l2 + 1]! - g) / (2 * e[l2]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l2] = e[l2]! / (p + r);
        d[l2 + 1] = e[l2]! * (p + r);
        const dl1 = d[l2 + 1]!;
        let h = g - d[l2]!;
        for (let i = l2 + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[mm]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l2 + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = mm - 1; i >= l2; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            h = V[k]![i + 1]!;
            V[k]![i + 1] = s * V[k]![i]! + c * h;
            V[k]![i] = c * V[k]![i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l2]!) / dl1;
        e[l2] = s * p;
        d[l2] = c * p;
        if (!(Math.abs(e[l2]!) > eps * tst1)) break;
      }
    }
    d[l2] = d[l2]! + f;
    e[l2] = 0;
  }
  const order = [...Array(n).keys()].sort((i, j) => d[j]! - d[i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k]![src]!;
  });
  return { values, vectors };
}

/**
 * Truncated SVD of a sparse matrix A (docs × terms) by randomized range finding (Halko, Martinsson,
 * Tropp 2011): returns the top-k right singular vectors (terms × k, row-major) and singular values.
 */
export function randomizedSvd(a: Csr, k: number, o: { oversample?: number; powerIterations?: number; seed?: number } = {}): {
  k: number;
  sigma: Float64Array;
  v: Float64Array;
} {
  const l = Math.min(k + (o.oversample ?? 10), a.rows, a.cols);
  const rand = prng(o.seed ?? 1);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rand();
  let y = mulDense(a, omega, l);
  for (let it = 0; it < (o.powerIterations ?? 2); it++) {
    // Re-orthonormalising Y each round keeps the columns apart; Z (terms × l) is large and, between two
    // orthonormal Ys, amplifies by σ² only, so it is left as is.
    orthonormalize(y, a.rows, l);
    y = mulDense(a, mulTransposeDense(a, y, l), l);
  }
  orthonormalize(y, a.rows, l);
  // Bᵀ = Aᵀ Q (terms × l). B Bᵀ = Qᵀ (A Bᵀ) is l × l: cheaper through the documents than through the terms.
  const bt = mulTransposeDense(a, y, l);
  const abt = mulDense(a, bt, l);
  const c = new Float64Array(l * l);
  for (let r = 0; r < a.rows; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const qi = y[o + i]!;
      if (qi === 0) continue;
      const ci = i * l;
      for (let j = i; j < l; j++) c[ci + j]! += qi * abt[o + j]!;
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) c[i * l + j] = c[j * l + i]!;
  const { values, vectors } = symmetricEigen(c, l);
  let kk = Math.min(k, l);
  while (kk > 0 && !(values[kk - 1]! > 1e-12)) kk--;
  const sigma = new Float64Array(kk);
  for (let j = 0; j < kk; j++) sigma[j] = Math.sqrt(values[j]!);
  // V = Bᵀ W Σ⁻¹.
  const v = new Float64Array(a.cols * kk);
  const w = new Float64Array(l * kk);
  for (let i = 0; i < l; i++) for (let j = 0; j < kk; j++) w[i * kk + j] = vectors[i * l + j]! / sigma[j]!;
  // Bᵀ W = Aᵀ (Q W): through the sparse A, a fraction of the dense terms × l × k product.
  const qw = new Float64Array(a.rows * kk);
  for (let r = 0; r < a.rows; r++) {
    const o = r * kk;
    for (let i = 0; i < l; i++) {
      const qi = y[r * l + i]!;
      if (qi === 0) continue;
      const wi = i * kk;
      for (let j = 0; j < kk; j++) qw[o + j]! += qi * w[wi + j]!;
    }
  }
  for (let r = 0; r < a.rows; r++) {
    const o = r * kk;
    for (let p = a.ptr[r]!; p < a.ptr[r + 1]!; p++) {
      const val = a.val[p]!;
      const out = a.idx[p]! * kk;
      for (let j = 0; j < kk; j++) v[out + j]! += val * qw[o + j]!;
    }
  }
  // Fix each vector's sign (largest-magnitude entry positive) so the fit does not depend on rounding.
  for (let j = 0; j < kk; j++) {
    let best = 0;
    for (let t = 0; t < a.cols; t++) if (Math.abs(v[t * kk + j]!) > Math.abs(best)) best = v[t * kk + j]!;
    if (best < 0) for (let t = 0; t < a.cols; t++) v[t * kk + j] = -v[t * kk + j]!;
  }
  return { k: kk, sigma, v };
}
