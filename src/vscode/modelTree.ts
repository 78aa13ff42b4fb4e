import * as vscode from 'vscode';
import type { ModelInspection, TensorInfo } from '../shared/modelInspection';
import { formatBytes, formatCount, formatFlops, formatShape } from '../shared/format';
import { INSPECTOR_VIEW_TYPE } from './inspectorEditor';
import type { ModelIndex } from './modelIndex';
import { latencyRegistry } from './profile/latencyRegistry';

/** Tree view id (package.json `contributes.views`). */
export const TREE_VIEW_ID = 'mlPreflight.tree';

/** `Models (N)`. */
interface RootNode {
  readonly kind: 'root';
}

/** One workspace model. */
export interface ModelNode {
  readonly kind: 'model';
  readonly uri: vscode.Uri;
}

/** A fact about a model (or a row under a fact). */
interface FactNode {
  readonly kind: 'fact';
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: vscode.MarkdownString;
  readonly icon: vscode.ThemeIcon;
  readonly children?: readonly FactNode[];
}

/**
 * A root section contributed by another area (e.g. the deployment checklist, `src/vscode/checklist`): its
 * nodes are opaque here; the section renders and expands them. Added with {@link ModelTreeProvider.addSection}.
 */
export interface TreeSection {
  readonly onDidChange: vscode.Event<void>;
  roots(): readonly unknown[] | Promise<readonly unknown[]>;
  children(node: unknown): readonly unknown[] | Promise<readonly unknown[]>;
  item(node: unknown): vscode.TreeItem;
}

/** A node of a contributed section. */
interface SectionNode {
  readonly kind: 'section';
  readonly section: TreeSection;
  readonly node: unknown;
}

export type TreeNode = RootNode | ModelNode | FactNode | SectionNode;

/** Shows at most this many names in an `Inputs:`/`Outputs:` label. */
const NAMES_IN_LABEL = 3;

function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** A tooltip from plain text: `appendText` escapes Markdown and HTML, and the string is neither trusted nor HTML-enabled. */
function plainTooltip(...lines: string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  lines.forEach((line, i) => {
    if (i > 0) md.appendMarkdown('\n\n');
    md.appendText(line);
  });
  return md;
}

function tensorText(t: TensorInfo): string {
  return `${t.dtype} ${formatShape(t.shape)}`;
}

function tensorFact(parent: string, what: 'Inputs' | 'Outputs', tensors: readonly TensorInfo[]): FactNode {
  const names = tensors.slice(0, NAMES_IN_LABEL).map((t) => t.name).join(', ')
    + (tensors.length > NAMES_IN_LABEL ? `, +${tensors.length - NAMES_IN_LABEL} more` : '');
  const id = `${parent}#${what.toLowerCase()}`;
  const single = tensors.length === 1 ? tensors[0] : undefined;
  return {
    kind: 'fact',
    id,
    label: `${what}: ${names || 'none'}`,
    description: single ? tensorText(single) : tensors.length > 1 ? `${tensors.length} tensors` : undefined,
    tooltip: plainTooltip(...tensors.map((t) => `${t.name}: ${tensorText(t)}`)),
    icon: icon(what === 'Inputs' ? 'arrow-right' : 'arrow-left'),
    children: tensors.length > 1
      ? tensors.map((t, i) => ({ kind: 'fact', id: `${id}/${i}`, label: t.name, description: tensorText(t), tooltip: plainTooltip(`${t.name}: ${tensorText(t)}`, t.docString ?? ''), icon: icon('symbol-field') }))
      : undefined,
  };
}

/** The fact nodes of an inspected model: inputs, outputs, opset, parameters, weights, quantization, FLOPs, warnings. */
export function modelFacts(parent: string, m: ModelInspection): FactNode[] {
  const otherOpsets = Object.entries(m.opsets).filter(([domain]) => domain !== 'ai.onnx');
  const mainOpset = m.opsets['ai.onnx'];
  const dtypes = Object.entries(m.weightsByDtype).sort((a, b) => b[1].bytes - a[1].bytes).map(([dtype]) => dtype);
  const assumption = Object.entries(m.flopsEstimate.assumption).map(([dim, v]) => `${dim} = ${v}`).join(', ');
  const warnings: FactNode = {
    kind: 'fact',
    id: `${parent}#warnings`,
    label: `Warnings: ${m.warnings.length}`,
    icon: m.warnings.length ? icon('warning', 'problemsWarningIcon.foreground') : icon('pass'),
    children: m.warnings.length
      ? m.warnings.map((w, i) => ({ kind: 'fact', id: `${parent}#warnings/${i}`, label: w, tooltip: plainTooltip(w), icon: icon('circle-small') }))
      : undefined,
  };
  return [
    tensorFact(parent, 'Inputs', m.inputs),
    tensorFact(parent, 'Outputs', m.outputs),
    {
      kind: 'fact',
      id: `${parent}#opset`,
      label: mainOpset === undefined ? 'Opset: none (ai.onnx)' : `Opset ${mainOpset}`,
      description: [m.irVersion === null ? undefined : `IR ${m.irVersion}`, ...otherOpsets.map(([d, v]) => `${d} ${v}`)].filter(Boolean).join(', '),
      tooltip: plainTooltip(...Object.entries(m.opsets).map(([d, v]) => `${d} ${v}`)),
      icon: icon('versions'),
    },
    {
      kind: 'fact',
      id: `${parent}#parameters`,
      label: `Parameters: ${formatCount(m.parameterCount)}`,
      description: `${m.initializerCount} initializer${m.initializerCount === 1 ? '' : 's'}`,
      icon: icon('symbol-numeric'),
    },
    {
      kind: 'fact',
      id: `${parent}#weights`,
      label: `Weights: ${formatBytes(m.weightBytes)}`,
      description: dtypes.join(', ') + (m.externalData.length ? ` (external: ${m.externalData.length} file${m.externalData.length > 1 ? 's' : ''})` : ''),
      icon: icon('database'),
    },
    {
      kind: 'fact',
      id: `${parent}#quantization`,
      label: `Quantization: ${m.quantization.kind}`,
      description: m.quantization.signals.length > 1 ? m.quantization.signals.join(' + ') : undefined,
      icon: icon('symbol-ruler'),
    },
    {
      kind: 'fact',
      id: `${parent}#flops`,
      label: `FLOPs: ${formatFlops(m.flops)}`,
      description: m.flops === null ? 'no shape resolved' : assumption || undefined,
      tooltip: plainTooltip(`${m.flopsEstimate.nodesCounted} of ${m.flopsEstimate.nodesTotal} Conv/Gemm/MatMul nodes counted${assumption ? `, assuming ${assumption}` : ''}`),
      icon: icon('dashboard'),
    },
    warnings,
  ];
}

/**
 * The `mlPreflight.tree` view: `Models (N)` → one node per workspace model (label: file name, description:
 * folder) → fact nodes. Unreadable models get an error icon and a child naming the reason. Clicking a model
 * opens it in the ONNX Model Inspector.
 */
export class ModelTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly root: RootNode = { kind: 'root' };
  private readonly subscription: vscode.Disposable;
  private readonly sections: { section: TreeSection; subscription: vscode.Disposable }[] = [];

  constructor(private readonly index: ModelIndex) {
    this.subscription = vscode.Disposable.from(
      index.onDidChange(() => this.changeEmitter.fire(undefined)),
      // The profiler's last p50 per model (src/vscode/profile): one more fact row.
      latencyRegistry.onDidChange(() => this.changeEmitter.fire(undefined)),
    );
  }

  private firstRender: (() => void) | undefined;

  /** Runs `fn` once, before the tree lists its roots for the first time (loads the bundles of its sections). */
  beforeFirstRender(fn: () => void): void {
    this.firstRender = fn;
  }

  /** Shows `section`'s roots after `Models (N)`; dispose the result to remove it. */
  addSection(section: TreeSection): vscode.Disposable {
    const entry = { section, subscription: section.onDidChange(() => this.changeEmitter.fire(undefined)) };
    this.sections.push(entry);
    this.changeEmitter.fire(undefined);
    return new vscode.Disposable(() => {
      entry.subscription.dispose();
      this.sections.splice(this.sections.indexOf(entry), 1);
      this.changeEmitter.fire(undefined);
    });
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'section':
        return node.section.item(node.node);
      case 'root':
        return this.rootItem();
      case 'model':
        return this.modelItem(node);
      case 'fact': {
        const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = node.icon;
        item.contextValue = 'fact';
        return item;
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const first = this.firstRender;
      this.firstRender = undefined;
      first?.();
      await this.index.whenScanned();
      const extra = await Promise.all(this.sections.map(async ({ section }) => (await section.roots()).map((n): TreeNode => ({ kind: 'section', section, node: n }))));
      return [this.root, ...extra.flat()];
    }
    switch (node.kind) {
      case 'section':
        return (await node.section.children(node.node)).map((n): TreeNode => ({ kind: 'section', section: node.section, node: n }));
      case 'root':
        return this.index.models.map((m) => ({ kind: 'model', uri: m.uri }));
      case 'model':
        return this.modelChildren(node);
      case 'fact':
        return [...(node.children ?? [])];
    }
  }

  dispose(): void {
    for (const s of this.sections) s.subscription.dispose();
    this.sections.length = 0;
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }

  private rootItem(): vscode.TreeItem {
    const count = this.index.models.length;
    const item = new vscode.TreeItem(`Models (${count})`, vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'models';
    item.iconPath = icon('files');
    item.contextValue = 'models';
    const limit = this.index.truncated;
    if (limit !== undefined) {
      item.description = `first ${limit}`;
      item.tooltip = plainTooltip(`Only the first ${limit} models are listed (setting mlPreflight.models.maxFiles).`);
    } else if (count === 0) {
      item.tooltip = plainTooltip('No model matches mlPreflight.models.include in this workspace.');
    }
    return item;
  }

  private modelItem(node: ModelNode): vscode.TreeItem {
    const entry = this.index.entry(node.uri);
    const name = entry?.name ?? node.uri.path.split('/').pop() ?? node.uri.toString();
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `model:${node.uri.toString()}`;
    item.resourceUri = node.uri;
    item.description = entry?.folder || undefined;
    // `model`: inspectable and runnable; `modelRefused`: parsed, but an external-data path was refused (it cannot
    // run, so no Profile button); `modelError`: unparseable (Inspect shows why, Profile is not offered).
    item.contextValue = entry?.state.kind === 'error' ? 'modelError'
      : entry?.state.kind === 'ready' && entry.state.inspection.externalData.some((d) => d.refused) ? 'modelRefused' : 'model';
    item.command = { title: 'Open in ONNX Model Inspector', command: 'vscode.openWith', arguments: [node.uri, INSPECTOR_VIEW_TYPE] };
    const state = entry?.state ?? { kind: 'pending' };
    const where = entry?.folder ? `${entry.folder}/${name}` : name;
    switch (state.kind) {
      case 'pending':
        item.iconPath = icon('loading~spin');
        item.tooltip = plainTooltip(where, 'Inspecting…');
        break;
      case 'ready': {
        const m = state.inspection;
        item.iconPath = icon('symbol-structure');
        item.tooltip = plainTooltip(
          where,
          `${formatCount(m.parameterCount)} parameters, ${formatBytes(m.weightBytes)} of weights, ${m.nodeCount} nodes`,
          m.producer.name ? `Producer: ${[m.producer.name, m.producer.version].filter(Boolean).join(' ')}` : 'Producer: not set',
          `${m.warnings.length} warning(s)`,
        );
        break;
      }
      case 'error':
        item.iconPath = icon('error', 'problemsErrorIcon.foreground');
        item.tooltip = plainTooltip(where, `Cannot inspect (${state.reason})`, state.message);
        break;
    }
    return item;
  }

  private modelChildren(node: ModelNode): TreeNode[] {
    const entry = this.index.entry(node.uri);
    const parent = node.uri.toString();
    const state = entry?.state ?? { kind: 'pending' };
    switch (state.kind) {
      case 'pending':
        return [{ kind: 'fact', id: `${parent}#pending`, label: 'Inspecting…', icon: icon('loading~spin') }];
      case 'error':
        return [{
          kind: 'fact',
          id: `${parent}#error`,
          label: `Unreadable: ${state.reason}`,
          description: state.message,
          tooltip: plainTooltip(state.message),
          icon: icon('error', 'problemsErrorIcon.foreground'),
        }];
      case 'ready': {
        const latency = latencyRegistry.summary(node.uri);
        return latency
          ? [...modelFacts(parent, state.inspection), {
            kind: 'fact',
            id: `${parent}#latency`,
            label: `Latency p50: ${latency.p50Text}`,
            description: `batch ${latency.batch}, ${latency.ep}${latency.regressions ? `, ${latency.regressions} regression(s)` : ''}`,
            tooltip: plainTooltip(`Last profiled ${latency.createdAt}: ${latency.text}`, 'Run "ML Preflight: Profile Model" again to refresh.'),
            icon: latency.regressions ? icon('pulse', 'problemsWarningIcon.foreground') : icon('pulse'),
          }]
          : [...modelFacts(parent, state.inspection), ...(vscode.workspace.isTrusted ? [] : [{
            kind: 'fact' as const,
            id: `${parent}#restricted`,
            label: 'Profiling unavailable: Restricted Mode',
            description: 'running a model needs a trusted workspace',
            tooltip: plainTooltip('Profiling runs the model in ONNX Runtime, so it needs a trusted workspace. Inspection, skew and drift keep working in Restricted Mode.', 'Use "Workspaces: Manage Workspace Trust" to trust this folder.'),
            icon: icon('shield'),
          }])];
      }
    }
  }
}
