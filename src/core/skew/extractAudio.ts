/** Audio preprocessing facts: sample rate (load, resample), spectrogram parameters with each library's defaults, dB scaling. */
import { add, numV, strV, type CallSite, type Ctx } from './extractCommon';
import { enclosingFunction } from './moduleIndex';
import { field, walk, type PyNode } from './pyAst';
import type { Value } from './values';

/**
 * A decoder that returns the file's own sample rate (`wav, sr = torchaudio.load(f)`) whose returned rate is never
 * used afterwards (not compared, not passed to a resampler): the audio goes on at whatever rate the file has.
 * `audio.load_native` is compared in compare.ts against a side that works at a fixed rate.
 */
function nativeRate(ctx: Ctx, call: PyNode, srIndex: number, via: string): void {
  let stmt: PyNode | undefined = call.parent;
  while (stmt && (stmt.type === 'subscript' || stmt.type === 'parenthesized_expression' || stmt.type === 'attribute' || stmt.type === 'call')) stmt = stmt.parent;
  let srName: string | undefined;
  if (stmt?.type === 'assignment' && field(stmt, 'right') === call) {
    const left = field(stmt, 'left');
    if (left && (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern')) {
      const t = left.children[srIndex];
      if (t?.type !== 'identifier') return;
      srName = t.text;
    } else if (left?.type === 'identifier') return; // `res = sf.read(f)`: the pair is kept, its rate may be used
  } else if (stmt?.type === 'assignment' || stmt?.type === 'expression_statement' || stmt?.type === 'return_statement') {
    // `wav = torchaudio.load(f)[0]`: the rate is dropped where it is returned.
  } else return;
  if (srName && srName !== '_') {
    const scope = enclosingFunction(ctx.mod, call)?.node ?? ctx.mod.root;
    let used = false;
    walk(scope, (n) => {
      if (!used && n.type === 'identifier' && n.text === srName && n.start > call.end) used = true;
    });
    if (used) return;
  }
  add(ctx, call, 'audio.load_native', strV('native'), via, { shown: `the file's own rate (${via}; the rate it returns is never used, nothing resamples)` });
}

/** librosa and torchaudio calls; true when the call was one of them. */
export function extractAudioCall(ctx: Ctx, c: CallSite): boolean {
  const { call, val, via } = c;
  const name = c.name ?? '';
  switch (name) {
    case 'scipy.io.wavfile.read':
      // Integer PCM as stored (int16 for most WAVs): not in [-1, 1].
      add(ctx, call, 'audio.pcm_scale', strV('integer PCM'), via, { shown: `integer PCM (${name})` });
      nativeRate(ctx, call, 0, via);
      return true;
    case 'soundfile.read':
    case 'torchaudio.load': {
      const dt = val(-1, name === 'soundfile.read' ? 'dtype' : 'normalize');
      const raw = name === 'soundfile.read' ? dt?.k === 'str' && /int/.test(dt.v) : dt?.k === 'bool' && !dt.v;
      add(ctx, call, 'audio.pcm_scale', strV(raw ? 'integer PCM' : 'float [-1, 1]'), via, { shown: raw ? `integer PCM (${name})` : `float [-1, 1] (${name})`, isDefault: !dt });
      nativeRate(ctx, call, 1, via);
      if (name === 'torchaudio.load') return false;
      return true;
    }
    case 'librosa.load': {
      add(ctx, call, 'audio.pcm_scale', strV('float [-1, 1]'), via, { shown: 'float [-1, 1] (librosa.load)', isDefault: true });
      const sr = val(1, 'sr');
      if (sr?.k === 'none') nativeRate(ctx, call, 1, via);
      add(ctx, call, 'audio.sample_rate', sr ?? numV(22050), via, { isDefault: !sr, shown: sr ? undefined : '22050 (librosa default)', fixStyle: 'literal' });
      return true;
    }
    case 'torchaudio.transforms.Resample':
    case 'torchaudio.functional.resample':
    case 'librosa.resample': {
      const target = name === 'librosa.resample' ? val(-1, 'target_sr') : name === 'torchaudio.functional.resample' ? val(2, 'new_freq') : val(1, 'new_freq');
      if (target) add(ctx, call, 'audio.sample_rate', target, via, { fixStyle: 'literal' });
      return true;
    }
    case 'librosa.feature.melspectrogram':
    case 'librosa.feature.mfcc': {
      const sr = val(-1, 'sr');
      add(ctx, call, 'audio.feature_sr', sr ?? numV(22050), via, { isDefault: !sr, shown: sr ? undefined : '22050 (librosa default)', fixStyle: 'literal' });
      const nfft = val(-1, 'n_fft');
      const nf = nfft?.k === 'num' ? nfft.v : 2048;
      add(ctx, call, 'audio.n_fft', nfft ?? numV(2048), via, { isDefault: !nfft, shown: nfft ? undefined : '2048 (librosa default)', fixStyle: 'literal' });
      const hop = val(-1, 'hop_length');
      add(ctx, call, 'audio.hop_length', hop ?? numV(512), via, { isDefault: !hop, shown: hop ? undefined : '512 (librosa default)', fixStyle: 'literal' });
      const win = val(-1, 'win_length');
      add(ctx, call, 'audio.win_length', win ?? numV(nf), via, { isDefault: !win, shown: win ? undefined : `${nf} (= n_fft)`, fixStyle: 'literal' });
      const mels = val(-1, 'n_mels');
      add(ctx, call, 'audio.n_mels', mels ?? numV(128), via, { isDefault: !mels, shown: mels ? undefined : '128 (librosa default)', fixStyle: 'literal' });
      const fmin = val(-1, 'fmin');
      add(ctx, call, 'audio.fmin', fmin ?? numV(0), via, { isDefault: !fmin, shown: fmin ? undefined : '0 (librosa default)', fixStyle: 'literal' });
      const fmax = val(-1, 'fmax');
      if (fmax) add(ctx, call, 'audio.fmax', fmax, via, { fixStyle: 'literal' });
      const power = val(-1, 'power');
      add(ctx, call, 'audio.power', power ?? numV(2), via, { isDefault: !power, shown: power ? undefined : '2.0 (librosa default)', fixStyle: 'literal' });
      if (name.endsWith('mfcc')) {
        const n = val(-1, 'n_mfcc');
        add(ctx, call, 'audio.n_mfcc', n ?? numV(20), via, { isDefault: !n, shown: n ? undefined : '20 (librosa default)', fixStyle: 'literal' });
      }
      return true;
    }
    case 'torchaudio.transforms.MelSpectrogram':
    case 'torchaudio.transforms.MFCC': {
      const isMfcc = name.endsWith('MFCC');
      const sr = val(0, 'sample_rate');
      add(ctx, call, 'audio.feature_sr', sr ?? numV(16000), via, { isDefault: !sr, shown: sr ? undefined : '16000 (torchaudio default)', fixStyle: 'literal' });
      const mk = isMfcc ? val(-1, 'melkwargs') : undefined;
      const get = (i: number, kw: string): Value | undefined => {
        if (isMfcc && mk && mk.k !== 'dict') return { k: 'unknown' };
        if (isMfcc) {
          const d = mk?.k === 'dict' ? mk.entries.find(([k]) => k.k === 'str' && k.v === kw)?.[1] : undefined;
          return d;
        }
        return val(i, kw);
      };
      const nfft = get(1, 'n_fft');
      const nf = nfft?.k === 'num' ? nfft.v : 400;
      add(ctx, call, 'audio.n_fft', nfft ?? numV(400), via, { isDefault: !nfft, shown: nfft ? undefined : '400 (torchaudio default)', fixStyle: 'literal' });
      const win = get(2, 'win_length');
      const wl = win?.k === 'num' ? win.v : nf;
      add(ctx, call, 'audio.win_length', win ?? numV(nf), via, { isDefault: !win, shown: win ? undefined : `${nf} (= n_fft)`, fixStyle: 'literal' });
      const hop = get(3, 'hop_length');
      add(ctx, call, 'audio.hop_length', hop ?? numV(Math.floor(wl / 2)), via, { isDefault: !hop, shown: hop ? undefined : `${Math.floor(wl / 2)} (= win_length // 2)`, fixStyle: 'literal' });
      const mels = get(7, 'n_mels');
      add(ctx, call, 'audio.n_mels', mels ?? numV(128), via, { isDefault: !mels, shown: mels ? undefined : '128 (torchaudio default)', fixStyle: 'literal' });
      const fmin = get(4, 'f_min');
      add(ctx, call, 'audio.fmin', fmin ?? numV(0), via, { isDefault: !fmin, shown: fmin ? undefined : '0 (torchaudio default)', fixStyle: 'literal' });
      const fmax = get(5, 'f_max');
      if (fmax && fmax.k !== 'none') add(ctx, call, 'audio.fmax', fmax, via, { fixStyle: 'literal' });
      if (!isMfcc) {
        const power = get(8, 'power');
        add(ctx, call, 'audio.power', power ?? numV(2), via, { isDefault: !power, shown: power ? undefined : '2.0 (torchaudio default)', fixStyle: 'literal' });
      }
      if (isMfcc) {
        const n = val(1, 'n_mfcc');
        add(ctx, call, 'audio.n_mfcc', n ?? numV(40), via, { isDefault: !n, shown: n ? undefined : '40 (torchaudio default)', fixStyle: 'literal' });
      }
      return true;
    }
    case 'librosa.power_to_db':
    case 'librosa.amplitude_to_db':
    case 'torchaudio.transforms.AmplitudeToDB':
      add(ctx, call, 'audio.db', strV('dB'), via, { shown: `dB (${name})` });
      return true;
    default:
      return false;
  }
}
