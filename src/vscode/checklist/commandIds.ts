/** Command ids of the checklist (package.json `contributes.commands`), in one place. */
export const ChecklistCommand = {
  /** Opens the checklist webview; arg `{ folder?: string (URI), item?: string }`. */
  Show: 'mlPreflight.checklist.show',
  /** Grades the workspace again; resolves to the reports (plain JSON) of every folder. */
  Refresh: 'mlPreflight.checklist.refresh',
  /** Marks an item n/a; arg: a tree item, or `{ itemId, reason?, folder? }` (asks for the reason when absent). */
  MarkNa: 'mlPreflight.checklist.markNa',
  /** Clears an item's n/a mark; arg like MarkNa. */
  ClearNa: 'mlPreflight.checklist.clearNa',
  /** Generates serving files; arg `{ target, model?, outDir?, overwrite?: 'ask' | 'never' | 'always' }`. */
  Emit: 'mlPreflight.checklist.emit',
  /** "Generate Triton config": Emit with target triton. */
  EmitTriton: 'mlPreflight.checklist.emitTriton',
  /** "Generate Dockerfile": Emit with target docker. */
  EmitDocker: 'mlPreflight.checklist.emitDocker',
} as const;
