/** Bytes of `file`, read once through a 1 MiB stream and dropped: the floor a benchmark's read is compared with. */
import { createReadStream } from 'node:fs';

export function drain(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    createReadStream(file, { highWaterMark: 1024 * 1024 })
      .on('data', (chunk) => {
        bytes += chunk.length;
      })
      .on('error', reject)
      .on('end', () => resolve(bytes));
  });
}
