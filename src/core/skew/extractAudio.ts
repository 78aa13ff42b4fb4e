/** Audio preprocessing facts: sample rate (load, resample), spectrogram parameters with each library's defaults, dB scaling. */
import { add, numV, strV, type CallSite, type Ctx } from './extractCommon';
import type { Value } from './values';

/** librosa and torchaudio calls; true when the call was one of them. */
export function extractAudioCall(ctx: Ctx, c: CallSite): boolean {
  const { call, val, via } = c;
  const name = c.name ?? '';
  switch (name) {
    case 'librosa.load': {
      const sr = val(1, 'sr');
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
