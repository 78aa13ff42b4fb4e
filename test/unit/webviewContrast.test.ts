/**
 * WCAG AA for the webviews' text in the light theme: every `color:` declaration of media/webview/*.css (icons and
 * list markers excepted: non-text, 3:1) must reach 4.5:1 against the light fallback background #ffffff with its
 * fallback colour, `var(--mlp-…)` resolved through the stylesheets' own definitions. The theme variables win in
 * VS Code; the fallbacks are what the standalone tests and any theme without the variable get.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const DIR = path.resolve(__dirname, '..', '..', 'media', 'webview');

function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.slice(1).split('').map((c) => c + c).join('') : hex.slice(1, 7);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

describe('webview text contrast (light theme fallbacks, WCAG AA)', () => {
  const css = readdirSync(DIR).filter((f) => f.endsWith('.css')).map((f) => ({ file: f, text: readFileSync(path.join(DIR, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '') }));
  const vars = new Map<string, string>();
  for (const { text } of css) for (const m of text.matchAll(/(--mlp-[\w-]+)\s*:\s*([^;]+);/g)) vars.set(m[1]!, m[2]!.trim());
  /** The fallback colour a value ends up with when no --vscode-* variable is defined. */
  const fallback = (value: string, depth = 0): string | undefined => {
    const mlp = /^var\((--mlp-[\w-]+)\)$/.exec(value.trim());
    if (mlp && depth < 5) return fallback(vars.get(mlp[1]!) ?? '', depth + 1);
    const hexes = value.match(/#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b/g);
    if (hexes) return hexes[hexes.length - 1];
    const inner = /var\(--mlp-[\w-]+\)/.exec(value);
    return inner && depth < 5 ? fallback(inner[0], depth + 1) : undefined;
  };

  it('the contrast formula matches WCAG examples', () => {
    assert.equal(contrast('#000000', '#ffffff').toFixed(0), '21');
    assert.equal(contrast('#777777', '#ffffff').toFixed(2), '4.48');
    assert.ok(contrast('#388a34', '#ffffff') < 4.5, 'the charts green fails as text on white (the issue)');
  });

  it('every text colour reaches 4.5:1 on #ffffff', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { file, text } of css) {
      for (const rule of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
        const selector = rule[1]!.trim();
        if (/\.codicon|::marker|:root/.test(selector)) continue;
        for (const decl of rule[2]!.matchAll(/(?:^|;)\s*color\s*:\s*([^;]+)/g)) {
          const value = decl[1]!.trim();
          if (/^(inherit|currentColor|transparent)$/i.test(value) || /^var\(--vscode-[\w-]+, ?inherit\)$/.test(value)) continue;
          const hex = fallback(value);
          if (!hex) continue;
          // Button text sits on the button's own background, not on the page.
          const on = /button\.primary|aria-pressed|#batch-picker|\bbutton\b.*primary/.test(selector) || /button-foreground/.test(value) ? '#0078d4' : '#ffffff';
          checked++;
          const ratio = contrast(hex, on);
          if (ratio < 4.5) failures.push(`${file}: ${selector} { color: ${value} } → ${hex} on ${on} = ${ratio.toFixed(2)}:1`);
        }
      }
    }
    assert.ok(checked > 20, `only ${checked} colour declarations found`);
    assert.deepEqual(failures, []);
  });
});
