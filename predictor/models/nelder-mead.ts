/**
 * Minimises `f` from `start` with the Nelder-Mead simplex method (Nelder & Mead 1965, with the
 * standard coefficients of Lagarias et al. 1998). Derivative-free, which suits smoothing
 * parameters whose loss is a recursive filter's error. Deterministic: no randomness.
 */
export function minimizeNelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: { step?: number; maxEvaluations?: number; tolerance?: number } = {},
): { x: number[]; value: number; evaluations: number } {
  const step = options.step ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 200 * start.length;
  const tolerance = options.tolerance ?? 1e-8;
  const dim = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations++;
    const value = f(x);
    return { x, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };
  const simplex = [evaluate([...start])];
  for (let i = 0; i < dim; i++) {
    const x = [...start];
    x[i] = (x[i] ?? 0) + step;
    simplex.push(evaluate(x));
  }
  const combine = (a: readonly number[], b: readonly number[], t: number) =>
    a.map((ai, i) => ai + t * ((b[i] ?? 0) - ai));
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0];
    const worst = simplex[dim];
    const secondWorst = simplex[dim - 1];
    if (!best || !worst || !secondWorst) break;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) centroid[j] = (centroid[j] ?? 0) + (simplex[i]?.x[j] ?? 0) / dim;
    const reflected = evaluate(combine(centroid, worst.x, -1));
    if (reflected.value < best.value) {
      const expanded = evaluate(combine(centroid, worst.x, -2));
      simplex[dim] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < secondWorst.value) {
      simplex[dim] = reflected;
    } else {
      const outside = reflected.value < worst.value;
      const contracted = evaluate(combine(centroid, outside ? reflected.x : worst.x, 0.5));
      if (contracted.value < (outside ? reflected.value : worst.value)) {
        simplex[dim] = contracted;
      } else {
        for (let i = 1; i <= dim; i++) {
          const point = simplex[i];
          if (point) simplex[i] = evaluate(combine(best.x, point.x, 0.5));
        }
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  const best = simplex[0] ?? { x: [...start], value: f(start) };
  return { x: best.x, value: best.value, evaluations };
}
