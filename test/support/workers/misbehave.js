// A stand-in worker that misbehaves on purpose, for the worker-isolation tests.
// MODE=hang | crash | abort | oom | garbage | exit0
const mode = process.env.MLP_MISBEHAVE;
process.once('message', () => {
  switch (mode) {
    case 'hang': setInterval(() => {}, 1000); break;
    case 'crash': process.stderr.write('Segmentation fault in fake kernel\n'); process.exit(139); break;
    case 'abort': process.abort(); break;
    case 'oom': { const keep = []; setInterval(() => { const b = Buffer.alloc(64 * 1024 * 1024, 1); keep.push(b); }, 20); break; }
    case 'exit0': process.exit(0); break;
    default: process.send({ id: 1, ok: false, error: { kind: 'failed', message: 'told to fail' } });
  }
});
