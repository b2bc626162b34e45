/**
 * The SIMD `dot` kernel (kernels.ts) as WebAssembly: y[r][c] = Σ_i x[r][i]·w[c][i] on 4×4 tiles of output —
 * four x rows against four w rows, sixteen f32x4 accumulators, so each loaded vector is used four times. Rows,
 * columns and lengths that are not multiples of 4 take scalar tails.
 */
import { FunctionBuilder } from "@overtone/wasm";

/** dot(x, sx, w, sw, y, sy, rows, cols, n): pointers in bytes, strides and sizes in elements. */
export function buildDot(): FunctionBuilder {
  const f = new FunctionBuilder(9);
  const [x, sx, w, sw, y, sy, rows, cols, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [t, o, i, nb, n4b, rows4, cols4] = [
    f.i32Local(),
    f.i32Local(),
    f.i32Local(),
    f.i32Local(),
    f.i32Local(),
    f.i32Local(),
    f.i32Local(),
  ];
  const xp = [f.i32Local(), f.i32Local(), f.i32Local(), f.i32Local()];
  const wp = [f.i32Local(), f.i32Local(), f.i32Local(), f.i32Local()];
  const yp = f.i32Local();
  const acc = Array.from({ length: 16 }, () => f.v128Local());
  const xv = [f.v128Local(), f.v128Local(), f.v128Local(), f.v128Local()];
  const wv = [f.v128Local(), f.v128Local(), f.v128Local(), f.v128Local()];
  const s = Array.from({ length: 16 }, () => f.f32Local());
  f.get(sx).i32(2).shl().set(sx).get(sw).i32(2).shl().set(sw).get(sy).i32(2).shl().set(sy);
  f.get(n).i32(2).shl().set(nb).get(n).i32(-4).and().i32(2).shl().set(n4b);
  f.get(rows).i32(-4).and().set(rows4).get(cols).i32(-4).and().set(cols4);
  const hsum = (v: number) =>
    f
      .get(v)
      .f32x4Lane(0)
      .get(v)
      .f32x4Lane(1)
      .f32Add()
      .get(v)
      .f32x4Lane(2)
      .f32Add()
      .get(v)
      .f32x4Lane(3)
      .f32Add();
  /** s[slot] = Σ_i (xp[r] + i)·(wp[c] + i), one row against one column. */
  const dot1 = (xr: number, wc: number, slot: number) => {
    const a = acc[0] as number;
    f.v128Zero().set(a).i32(0).set(i);
    f.countUp(i, n4b, 16, () =>
      f.get(a).get(xr).get(i).add().v128Load().get(wc).get(i).add().v128Load().f32x4Mul().f32x4Add().set(a),
    );
    hsum(a).set(slot);
    f.countUp(i, nb, 4, () =>
      f.get(slot).get(xr).get(i).add().f32Load().get(wc).get(i).add().f32Load().f32Mul().f32Add().set(slot),
    );
  };
  const rowPointers = (ptr: number[], base: number, index: number, stride: number, count: number) => {
    f.get(base)
      .get(index)
      .get(stride)
      .mul()
      .add()
      .set(ptr[0] as number);
    for (let r = 1; r < count; r++)
      f.get(ptr[r - 1] as number)
        .get(stride)
        .add()
        .set(ptr[r] as number);
  };
  const yAt = (row: number, col: number) =>
    f.get(y).get(row).get(sy).mul().add().get(col).i32(2).shl().add().set(yp);
  f.i32(0).set(t);
  f.countUp(t, rows4, 4, () => {
    rowPointers(xp, x, t, sx, 4);
    f.i32(0).set(o);
    f.countUp(o, cols4, 4, () => {
      rowPointers(wp, w, o, sw, 4);
      for (const a of acc) f.v128Zero().set(a);
      f.i32(0).set(i);
      f.countUp(i, n4b, 16, () => {
        for (let r = 0; r < 4; r++)
          f.get(xp[r] as number)
            .get(i)
            .add()
            .v128Load()
            .set(xv[r] as number);
        for (let c = 0; c < 4; c++)
          f.get(wp[c] as number)
            .get(i)
            .add()
            .v128Load()
            .set(wv[c] as number);
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 4; c++) {
            const a = acc[r * 4 + c] as number;
            f.get(a)
              .get(xv[r] as number)
              .get(wv[c] as number)
              .f32x4Mul()
              .f32x4Add()
              .set(a);
          }
        }
      });
      for (let k = 0; k < 16; k++) hsum(acc[k] as number).set(s[k] as number);
      f.countUp(i, nb, 4, () => {
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 4; c++) {
            const slot = s[r * 4 + c] as number;
            f.get(slot)
              .get(xp[r] as number)
              .get(i)
              .add()
              .f32Load()
              .get(wp[c] as number)
              .get(i)
              .add()
              .f32Load()
              .f32Mul()
              .f32Add()
              .set(slot);
          }
        }
      });
      yAt(t, o);
      for (let r = 0; r < 4; r++) {
        for (let c = 0; c < 4; c++)
          f.get(yp)
            .get(s[r * 4 + c] as number)
            .f32Store(c * 4);
        f.get(yp).get(sy).add().set(yp);
      }
    });
    f.countUp(o, cols, 1, () => {
      rowPointers(wp, w, o, sw, 1);
      for (let r = 0; r < 4; r++) dot1(xp[r] as number, wp[0] as number, s[r] as number);
      yAt(t, o);
      for (let r = 0; r < 4; r++)
        f.get(yp)
          .get(s[r] as number)
          .f32Store()
          .get(yp)
          .get(sy)
          .add()
          .set(yp);
    });
  });
  f.countUp(t, rows, 1, () => {
    rowPointers(xp, x, t, sx, 1);
    f.i32(0).set(o);
    f.countUp(o, cols, 1, () => {
      rowPointers(wp, w, o, sw, 1);
      dot1(xp[0] as number, wp[0] as number, s[0] as number);
      yAt(t, o);
      f.get(yp)
        .get(s[0] as number)
        .f32Store();
    });
  });
  return f;
}
