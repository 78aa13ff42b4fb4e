/** The strict protobuf text-format parser (Triton config.pbtxt) and the unified diff used before overwriting. */
import * as assert from 'node:assert/strict';
import { unifiedDiff } from '../../src/core/emit/diff';
import { parseTritonConfig, PbtxtError } from '../../src/core/emit/pbtxt';
import { pbString } from '../../src/core/emit/triton';

describe('pbtxt parser (model_config.proto)', () => {
  it('reads every text-format form Triton configs use', () => {
    const cfg = parseTritonConfig(`
      # comment
      name: "m" 'odel'            # adjacent strings concatenate
      platform: "onnxruntime_onnx"
      max_batch_size: 0x10
      input [ { name: "a", data_type: TYPE_FP32, dims: [ -1, 3 ] }, { name: "b" data_type: 9 dims: 4 dims: 5 } ]
      output < name: "y"; data_type: TYPE_BOOL; dims: [] >
      instance_group { kind: KIND_GPU count: 2 gpus: [0, 1] }
      dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
      parameters { key: "intra_op_thread_count" value: { string_value: "4" } }
      parameters: { key: "b" value { string_value: "\\"q\\"\\n" } }
      optimization { execution_accelerators { gpu_execution_accelerator : [ { name : "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ] } }
    `);
    assert.equal(cfg.name, 'model');
    assert.equal(cfg.max_batch_size, 16);
    assert.deepEqual(cfg.input, [{ name: 'a', data_type: 'TYPE_FP32', dims: [-1, 3] }, { name: 'b', data_type: 'TYPE_INT64', dims: [4, 5] }]);
    assert.deepEqual(cfg.output, [{ name: 'y', data_type: 'TYPE_BOOL', dims: [] }]);
    assert.deepEqual(cfg.instance_group, [{ kind: 'KIND_GPU', count: 2, gpus: [0, 1] }]);
    assert.deepEqual(cfg.parameters, { intra_op_thread_count: { string_value: '4' }, b: { string_value: '"q"\n' } });
    assert.deepEqual(cfg.dynamic_batching, { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 100 });
  });

  it('rejects what Triton would reject, with line:column', () => {
    const cases: [string, RegExp][] = [
      ['name: "a"\n  bogus_field: 1', /^2:3: unknown field 'bogus_field' in ModelConfig$/],
      ['input { data_type: FP32 }', /'FP32' is not a value of enum DataType/],
      ['input { data_type: 99 }', /99 is not a value of enum DataType/],
      ['max_batch_size: 3000000000', /out of range for int32/],
      ['max_batch_size: -1.0', /expected an integer/],
      ['name: 5', /expected a string for 'name'/],
      ['name "x"', /expected ':' after scalar field 'name'/],
      ['max_batch_size: [1, 2]', /is not repeated: a list is not allowed/],
      ['input { name: "a" ', /missing '}' of ModelInput/],
      ['name: "unterminated', /unterminated string literal/],
      ['name: "a\\q"', /unknown escape/],
      ['dynamic_batching { } sequence_batching { }', /same oneof 'scheduling_choice'/],
      ['@', /unexpected character '@'/],
    ];
    for (const [text, re] of cases) {
      assert.throws(() => parseTritonConfig(text), (ex: unknown) => ex instanceof PbtxtError && re.test(ex.message), text);
    }
  });

  it('pbString round-trips hostile names', () => {
    for (const name of ['plain', 'quote " and \\ backslash', 'tab\tnewline\n', 'ctl\u0001', 'ünïcode ✓']) {
      assert.equal(parseTritonConfig(`name: ${pbString(name)}`).name, name);
    }
  });
});

describe('unified diff', () => {
  it('is empty for equal texts and shows context and hunks otherwise', () => {
    assert.equal(unifiedDiff('a\n', 'a\n', 'f'), '');
    const old = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const next = old.replace('line 2\n', 'line two\n').replace('line 18\n', '');
    assert.equal(unifiedDiff(old, next, 'f.txt'), [
      '--- a/f.txt', '+++ b/f.txt',
      '@@ -1,5 +1,5 @@', ' line 1', '-line 2', '+line two', ' line 3', ' line 4', ' line 5',
      '@@ -15,6 +15,5 @@', ' line 15', ' line 16', ' line 17', '-line 18', ' line 19', ' line 20', '',
    ].join('\n'));
    assert.equal(unifiedDiff('', 'new\n', 'n'), '--- a/n\n+++ b/n\n@@ -0,0 +1,1 @@\n+new\n');
  });
});
