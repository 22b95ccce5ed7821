// The matrix products of the network, on row-major Float64Arrays.
//
// One kernel does all the work: C = A·Bᵀ with A (m × k) and B (n × k), so both
// operands are read along their rows, contiguously. The other products the
// network needs are brought to that form by transposing the smaller operand
// first (`transpose`), which costs O(rows · cols) against the product's
// O(m · n · k).
//
// The kernel computes C in tiles of 3 rows × 2 columns: six running sums stay
// in registers while one pass over k reads 3 rows of A and 2 rows of B, so
// every value loaded is used two or three times. On these machines that runs
// at about 7 GFLOP/s in float64 against about 2.5 for the plain triple loop
// (bench/network_bench.ts measures both). Rows and columns left over at the
// edges go through the same sums one at a time.

/**
 * C ← A·Bᵀ: `C[i·n + j] = Σ_p A[i·k + p] · B[j·k + p]`, for A of m × k and B
 * of n × k, all row-major and contiguous. C (m × n) is overwritten.
 */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
): void {
  const m3 = m - (m % 3);
  const n2 = n - (n % 2);
  for (let i = 0; i < m3; i += 3) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k;
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n;
    for (let j = 0; j < n2; j += 2) {
      const b0 = j * k, b1 = b0 + k;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p], x1 = A[a1 + p], x2 = A[a2 + p];
        const y0 = B[b0 + p], y1 = B[b1 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s20 += x2 * y0;
        s21 += x2 * y1;
      }
      C[c0 + j] = s00;
      C[c0 + j + 1] = s01;
      C[c1 + j] = s10;
      C[c1 + j + 1] = s11;
      C[c2 + j] = s20;
      C[c2 + j + 1] = s21;
    }
    if (n2 < n) { // the last column
      const b0 = n2 * k;
      let s0 = 0, s1 = 0, s2 = 0;
      for (let p = 0; p < k; p++) {
        const y = B[b0 + p];
        s0 += A[a0 + p] * y;
        s1 += A[a1 + p] * y;
        s2 += A[a2 + p] * y;
      }
      C[c0 + n2] = s0;
      C[c1 + n2] = s1;
      C[c2 + n2] = s2;
    }
  }
  for (let i = m3; i < m; i++) { // the last one or two rows
    const a0 = i * k;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a0 + p] * B[b0 + p];
      C[i * n + j] = s;
    }
  }
}

/** `out` (cols × rows) ← the transpose of `src` (rows × cols), both row-major. */
export function transpose(src: Float64Array, rows: number, cols: number, out: Float64Array): void {
  // in 8 × 8 blocks, so both the reads and the writes stay within a few cache lines
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = Math.min(i0 + 8, rows);
    for (let j0 = 0; j0 < cols; j0 += 8) {
      const j1 = Math.min(j0 + 8, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = src[i * cols + j];
      }
    }
  }
}
