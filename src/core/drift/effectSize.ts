/**
 * Effect sizes printed beside p-values, with Cohen's (1988) conventional magnitudes. With tens of thousands of
 * rows a test rejects on shifts nobody cares about; the effect size says how large the shift is.
 */
import type { EffectSize } from '../../shared/drift';

function magnitude(v: number, small: number, medium: number, large: number): EffectSize['magnitude'] {
  const a = Math.abs(v);
  return a < small ? 'negligible' : a < medium ? 'small' : a < large ? 'medium' : 'large';
}

/** Cohen's d = (mean_cur − mean_ref) / pooled sample std; 0.2 / 0.5 / 0.8 small / medium / large. */
export function cohensD(ref: { n: number; mean: number; variance: number }, cur: { n: number; mean: number; variance: number }): EffectSize {
  const dof = ref.n + cur.n - 2;
  if (dof <= 0) return { name: 'cohens_d', value: null, magnitude: null };
  const pooled = Math.sqrt(((ref.n - 1) * ref.variance + (cur.n - 1) * cur.variance) / dof);
  if (pooled === 0) {
    const same = ref.mean === cur.mean;
    return { name: 'cohens_d', value: same ? 0 : null, magnitude: same ? 'negligible' : 'large' };
  }
  const d = (cur.mean - ref.mean) / pooled;
  return { name: 'cohens_d', value: d, magnitude: magnitude(d, 0.2, 0.5, 0.8) };
}

/** Cramér's V of the 2 × k reference/current table: √(χ²/N) (min(2, k) − 1 = 1); 0.1 / 0.3 / 0.5. */
export function cramersV(chi2: number, n: number, k: number): EffectSize {
  if (n === 0 || k < 2) return { name: 'cramers_v', value: 0, magnitude: 'negligible' };
  const v = Math.sqrt(chi2 / n);
  return { name: 'cramers_v', value: v, magnitude: magnitude(v, 0.1, 0.3, 0.5) };
}

/** Cohen's h = 2·asin√p_cur − 2·asin√p_ref for one category's share; 0.2 / 0.5 / 0.8. */
export function cohensH(pRef: number, pCur: number): EffectSize {
  const h = 2 * Math.asin(Math.sqrt(pCur)) - 2 * Math.asin(Math.sqrt(pRef));
  return { name: 'cohens_h', value: h, magnitude: magnitude(h, 0.2, 0.5, 0.8) };
}
