/**
 * The SIMD `gemmAcc` kernel (kernels.ts) as WebAssembly: c[r][i] += Σ_k a[r][k]·b[k][i] on tiles of 4 output
 * rows × 4 inner steps — sixteen coefficients splatted into f32x4, four b rows loaded once per step. A tile
 * whose sixteen coefficients are all zero is skipped (the masked half of attention); tails are scalar.
 */
import { FunctionBuilder } from "@overtone/wasm";

/** gemmAcc(a, sar, sak, b, sb, c, sc, rows, inner, n): pointers in bytes, strides and sizes in elements. */
export function buildGemmAcc(): FunctionBuilder {
  const f = new FunctionBuilder(10);
  const [a, sar, sak, b, sb, c, sc, rows, inner, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [r, k, i, nb, n4b, rows4, inner4, ap, akp, any] = Array.from({ length: 10 }, () =>
    f.i32Local(),
  ) as number[] as [number, number, number, number, number, number, number, number, number, number];
  const cp = [f.i32Local(), f.i32Local(), f.i32Local(), f.i32Local()];
  const bp = [f.i32Local(), f.i32Local(), f.i32Local(), f.i32Local()];
  const coef = Array.from({ length: 16 }, () => f.f32Local());
  const cv = Array.from({ length: 16 }, () => f.v128Local());
  const bv = [f.v128Local(), f.v128Local(), f.v128Local(), f.v128Local()];
  const acc = f.v128Local();
  const bs = [f.f32Local(), f.f32Local(), f.f32Local(), f.f32Local()];
  const one = f.f32Local();
  for (const stride of [sar, sak, sb, sc]) f.get(stride).i32(2).shl().set(stride);
  f.get(n).i32(2).shl().set(nb).get(n).i32(-4).and().i32(2).shl().set(n4b);
  f.get(rows).i32(-4).and().set(rows4).get(inner).i32(-4).and().set(inner4);
  /** c row += coefficient · b row, skipped when the coefficient is 0. */
  const axpy = (crow: number, brow: number) => {
    f.ifThen(
      () => f.get(one).f32Zero().f32Ne(),
      () => {
        const splat = cv[0] as number;
        f.get(one).f32x4Splat().set(splat).i32(0).set(i);
        f.countUp(i, n4b, 16, () =>
          f
            .get(crow)
            .get(i)
            .add()
            .get(crow)
            .get(i)
            .add()
            .v128Load()
            .get(splat)
            .get(brow)
            .get(i)
            .add()
            .v128Load()
            .f32x4Mul()
            .f32x4Add()
            .v128Store(),
        );
        f.countUp(i, nb, 4, () =>
          f
            .get(crow)
            .get(i)
            .add()
            .get(crow)
            .get(i)
            .add()
            .f32Load()
            .get(one)
            .get(brow)
            .get(i)
            .add()
            .f32Load()
            .f32Mul()
            .f32Add()
            .f32Store(),
        );
      },
    );
  };
  const rowPointers = (ptr: number[], base: number, index: number, stride: number, count: number) => {
    f.get(base)
      .get(index)
      .get(stride)
      .mul()
      .add()
      .set(ptr[0] as number);
    for (let q = 1; q < count; q++)
      f.get(ptr[q - 1] as number)
        .get(stride)
        .add()
        .set(ptr[q] as number);
  };
  const coefficient = (rowOffset: number, kIndex: number) =>
    f.get(ap).get(sar).i32(rowOffset).mul().add().get(kIndex).get(sak).mul().add().f32Load();
  f.i32(0).set(r);
  f.countUp(r, rows4, 4, () => {
    f.get(a).get(r).get(sar).mul().add().set(ap);
    rowPointers(cp, c, r, sc, 4);
    f.i32(0).set(k);
    f.countUp(k, inner4, 4, () => {
      f.get(ap).get(k).get(sak).mul().add().set(akp);
      f.i32(0).set(any);
      for (let ri = 0; ri < 4; ri++) {
        for (let ki = 0; ki < 4; ki++) {
          const slot = coef[ri * 4 + ki] as number;
          f.get(akp).get(sar).i32(ri).mul().add().get(sak).i32(ki).mul().add().f32Load().set(slot);
          f.get(any).get(slot).f32Zero().f32Ne().or().set(any);
        }
      }
      f.ifThen(
        () => f.get(any),
        () => {
          for (let q = 0; q < 16; q++)
            f.get(coef[q] as number)
              .f32x4Splat()
              .set(cv[q] as number);
          rowPointers(bp, b, k, sb, 4);
          f.i32(0).set(i);
          f.countUp(i, n4b, 16, () => {
            for (let ki = 0; ki < 4; ki++)
              f.get(bp[ki] as number)
                .get(i)
                .add()
                .v128Load()
                .set(bv[ki] as number);
            for (let ri = 0; ri < 4; ri++) {
              f.get(cp[ri] as number)
                .get(i)
                .add()
                .v128Load()
                .set(acc);
              for (let ki = 0; ki < 4; ki++)
                f.get(acc)
                  .get(cv[ri * 4 + ki] as number)
                  .get(bv[ki] as number)
                  .f32x4Mul()
                  .f32x4Add()
                  .set(acc);
              f.get(cp[ri] as number)
                .get(i)
                .add()
                .get(acc)
                .v128Store();
            }
          });
          f.countUp(i, nb, 4, () => {
            for (let ki = 0; ki < 4; ki++)
              f.get(bp[ki] as number)
                .get(i)
                .add()
                .f32Load()
                .set(bs[ki] as number);
            for (let ri = 0; ri < 4; ri++) {
              f.get(cp[ri] as number)
                .get(i)
                .add();
              f.get(cp[ri] as number)
                .get(i)
                .add()
                .f32Load();
              for (let ki = 0; ki < 4; ki++)
                f.get(coef[ri * 4 + ki] as number)
                  .get(bs[ki] as number)
                  .f32Mul()
                  .f32Add();
              f.f32Store();
            }
          });
        },
      );
    });
    f.countUp(k, inner, 1, () => {
      rowPointers(bp, b, k, sb, 1);
      for (let ri = 0; ri < 4; ri++) {
        coefficient(ri, k).set(one);
        axpy(cp[ri] as number, bp[0] as number);
      }
    });
  });
  f.countUp(r, rows, 1, () => {
    f.get(a).get(r).get(sar).mul().add().set(ap);
    rowPointers(cp, c, r, sc, 1);
    f.i32(0).set(k);
    f.countUp(k, inner, 1, () => {
      rowPointers(bp, b, k, sb, 1);
      coefficient(0, k).set(one);
      axpy(cp[0] as number, bp[0] as number);
    });
  });
  return f;
}
