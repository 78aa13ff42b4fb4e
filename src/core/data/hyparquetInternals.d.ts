/**
 * Types of the hyparquet internals the Parquet fast path uses (`parquetFlat.ts`). hyparquet exports them as
 * `hyparquet/src/*.js` (package.json `exports`), with types under `types/`, which this project's
 * `moduleResolution` does not map; these declarations restate the signatures of hyparquet 1.31.
 */
declare module 'hyparquet/src/column.js' {
  export function parquetHeader(reader: { view: DataView; offset: number }): import('hyparquet').PageHeader;
}
declare module 'hyparquet/src/datapage.js' {
  export function decompressPage(compressedBytes: Uint8Array, uncompressedPageSize: number, codec: import('hyparquet').CompressionCodec, compressors: import('hyparquet').Compressors | undefined): Uint8Array;
}
declare module 'hyparquet/src/encoding.js' {
  export function readRleBitPackedHybrid(reader: { view: DataView; offset: number }, width: number, output: Uint8Array | Int32Array | number[], length?: number): void;
}
declare module 'hyparquet/src/plain.js' {
  export function readPlain(reader: { view: DataView; offset: number }, type: string, count: number, fixedLength: number | undefined): ArrayLike<unknown>;
}
