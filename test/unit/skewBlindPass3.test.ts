/**
 * Classes of misses from the third scoring of the blind corpus (test/fixtures/skew-blind), each reproduced on small
 * code written for the test, with the equivalent forms that must stay silent: a feature vector built from a dict's
 * values (insertion order) against a column list returned by an imported helper; a window counted in rows against
 * one measured in time; time-of-day features taken in a local time zone against UTC.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePairs } from '../../src/core/skew/analyze';
import type { SkewFinding } from '../../src/shared/skew';

describe('skew: classes from blind corpus pass 3', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-skew-b3-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(files: Record<string, string>, training: string[], serving: string[]): Promise<SkewFinding[]> {
    for (const [k, v] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, k)), { recursive: true });
      fs.writeFileSync(path.join(dir, k), v);
    }
    const r = await analyzePairs([{ training: training.map((f) => path.join(dir, f)), serving: serving.map((f) => path.join(dir, f)), source: 'explicit' }], { root: dir, checkModel: false });
    return r.pairs[0].findings;
  }
  const loud = (fs: SkewFinding[]): SkewFinding[] => fs.filter((f) => f.severity !== 'info');

  const FEATURES = 'def feature_columns():\n    return ["b_30d", "a_30d", "c_30d"]\n';
  const TRAIN = [
    'import pandas as pd',
    'from sklearn.linear_model import LogisticRegression',
    'from pipelines.features import feature_columns',
    '',
    'def main():',
    '    df = pd.read_parquet("x.parquet")',
    '    cols = feature_columns()',
    '    LogisticRegression().fit(df[cols].to_numpy(), df["y"])',
    '',
  ].join('\n');
  const serve = (keys: string[], wrap = (x: string) => `np.array([${x}])`): string => [
    'import numpy as np',
    'import joblib',
    'model = joblib.load("m.joblib")',
    '',
    'def row(rec):',
    '    return {',
    ...keys.map((k) => `        "${k}": float(rec["${k}"]),`),
    '    }',
    '',
    'def predict(rec):',
    '    feats = row(rec)',
    `    x = ${wrap('list(feats.values())')}`,
    '    return model.predict(x)',
    '',
  ].join('\n');

  it('reads the feature order of a vector built from dict values, against a column list from an imported helper', async () => {
    const f = await run({ 'pipelines/features.py': FEATURES, 'pipelines/train.py': TRAIN, 'api/app.py': serve(['a_30d', 'b_30d', 'c_30d']) }, ['pipelines/train.py'], ['api/app.py']);
    const order = loud(f).find((x) => x.kind === 'feature-order');
    assert.ok(order, JSON.stringify(f.map((x) => x.message)));
    assert.equal(order.serving!.line, 14);
    assert.equal(path.basename(order.training!.file), 'features.py');
    assert.match(order.message, /'a_30d', 'b_30d' \(serving\) vs 'b_30d', 'a_30d' \(training\)/);
  });

  it('is silent when the dict is written in the training order, and when its values never reach an array or the model', async () => {
    const same = await run({ 'pipelines/features.py': FEATURES, 'pipelines/train.py': TRAIN, 'api/app.py': serve(['b_30d', 'a_30d', 'c_30d']) }, ['pipelines/train.py'], ['api/app.py']);
    assert.deepEqual(loud(same).map((x) => x.kind), []);
    const logged = await run({ 'pipelines/features.py': FEATURES, 'pipelines/train.py': TRAIN, 'api/app.py': serve(['a_30d', 'b_30d', 'c_30d'], (x) => `print(${x})`) }, ['pipelines/train.py'], ['api/app.py']);
    assert.deepEqual(loud(logged).filter((x) => x.kind === 'feature-order'), []);
  });

  it('does not give a helper with parameters a value unless it returns one dict literal', async () => {
    const branchy = serve(['a_30d', 'b_30d', 'c_30d']).replace('def row(rec):\n', 'def row(rec):\n    if rec is None:\n        return {}\n');
    const f = await run({ 'pipelines/features.py': FEATURES, 'pipelines/train.py': TRAIN, 'api/app.py': branchy }, ['pipelines/train.py'], ['api/app.py']);
    assert.deepEqual(loud(f).filter((x) => x.kind === 'feature-order'), []);
  });

  const ROLL = (prep: string) => [
    'import pandas as pd',
    '',
    'def activity(daily):',
    `    daily = daily.sort_values(["account", "day"])${prep}`,
    '    g = daily.groupby("account")',
    '    out = daily[["account", "day"]].copy()',
    '    out["logins_30d"] = g["logins"].transform(lambda s: s.rolling(30, min_periods=1).sum())',
    '    return out',
    '',
  ].join('\n');
  const FILTER = (days: number) => [
    'from datetime import timedelta',
    'import pandas as pd',
    '',
    'def features(daily, as_of):',
    `    start = as_of - timedelta(days=${days})`,
    '    recent = daily[(daily["day"] > start) & (daily["day"] <= as_of)]',
    '    return {"logins_30d": float(recent["logins"].sum())}',
    '',
  ].join('\n');

  it('warns when a window counts rows at training and calendar time at serving', async () => {
    const f = await run({ 'train/feat.py': ROLL(''), 'serve/app.py': FILTER(30) }, ['train/feat.py'], ['serve/app.py']);
    const w = loud(f).find((x) => x.kind === 'window');
    assert.ok(w, JSON.stringify(f.map((x) => x.message)));
    assert.equal(w.severity, 'warning');
    assert.equal(w.training!.line, 7);
    assert.equal(w.serving!.line, 5);
    assert.match(w.message, /the last 30 rows/);
  });

  it('compares the lengths when the row side resamples to a fixed frequency first', async () => {
    const resampled = '.set_index("day").groupby("account").resample("D").sum().reset_index()';
    const equal = await run({ 'train/feat.py': ROLL(resampled), 'serve/app.py': FILTER(30) }, ['train/feat.py'], ['serve/app.py']);
    assert.deepEqual(loud(equal).filter((x) => x.kind === 'window'), []);
    const differ = await run({ 'train/feat.py': ROLL(resampled), 'serve/app.py': FILTER(7) }, ['train/feat.py'], ['serve/app.py']);
    const w = loud(differ).find((x) => x.kind === 'window');
    assert.ok(w);
    assert.equal(w.severity, 'error');
    assert.match(w.message, /7 day\(s\).*\(serving\) vs 30 day\(s\) \(30 rows of D/);
  });

  const TZ_TRAIN = [
    'import pandas as pd',
    'CITY_TZ = {"nyc": "America/New_York", "sf": "America/Los_Angeles"}',
    '',
    'def time_features(df):',
    '    local = [ts.tz_convert(CITY_TZ[c]) for ts, c in zip(df["at"], df["city"])]',
    '    df["hour"] = [t.hour for t in local]',
    '    return df[["hour", "city_code"]]',
    '',
  ].join('\n');
  const TZ_SERVE = (tz: string) => [
    'from datetime import timezone',
    'from zoneinfo import ZoneInfo',
    'import pandas as pd',
    '',
    'def row(req):',
    `    ts = req.at.astimezone(${tz})`,
    '    return [ts.hour, req.city_code]',
    '',
  ].join('\n');

  it('reports time-of-day features taken in a local zone at training and in UTC at serving', async () => {
    const f = await run({ 'train/feat.py': TZ_TRAIN, 'serve/app.py': TZ_SERVE('timezone.utc') }, ['train/feat.py'], ['serve/app.py']);
    const tz = loud(f).find((x) => x.kind === 'time-zone');
    assert.ok(tz, JSON.stringify(f.map((x) => x.message)));
    assert.equal(tz.training!.line, 5);
    assert.equal(tz.serving!.line, 6);
    assert.match(tz.message, /UTC .*\(serving\) vs per-row local time/);
  });

  it('is silent when both sides use the same zone, written differently', async () => {
    const train = TZ_TRAIN.replace('CITY_TZ[c]', '"UTC"');
    const f = await run({ 'train/feat.py': train, 'serve/app.py': TZ_SERVE('ZoneInfo("UTC")') }, ['train/feat.py'], ['serve/app.py']);
    assert.deepEqual(loud(f).filter((x) => x.kind === 'time-zone'), []);
    // A conversion in a function that reads no hour or weekday (storage, display) is not a feature step.
    const display = TZ_SERVE('timezone.utc').replace('    return [ts.hour, req.city_code]', '    return ts.isoformat()');
    const g = await run({ 'train/feat.py': TZ_TRAIN, 'serve/app.py': display }, ['train/feat.py'], ['serve/app.py']);
    assert.deepEqual(loud(g).filter((x) => x.kind === 'time-zone'), []);
  });
});
