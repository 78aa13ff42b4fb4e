/**
 * Generated ONNX fixtures for the unit and webview tests (built by `scripts/makeFixtures.ts`, gitignored).
 */
import { GENERATED_DIR, makeFixtures } from '../../scripts/makeFixtures';

let built: Promise<string> | undefined;

/**
 * Builds the fixtures once per process into `test/fixtures/generated/` and returns that folder's absolute path.
 * Writes are atomic, so parallel test processes may call this at the same time.
 */
export function ensureFixtures(): Promise<string> {
  built ??= makeFixtures(GENERATED_DIR);
  return built;
}
