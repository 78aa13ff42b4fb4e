/**
 * A tiny element builder shared by every webview. Model strings only ever become text nodes or attribute values set through the DOM
 * (`setAttribute`), never markup: nothing here parses HTML, so a `<script>` in a model name stays text.
 */

/** What may be appended: nodes, text (as a text node), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes by name; `on*` names are refused (handlers are attached with `addEventListener`). */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates `<tag>` in `doc` with `attrs` and `children`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name)) throw new Error(`h: event handler attribute '${name}' is not allowed`);
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children to `parent`, strings and numbers as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  const doc = parent.ownerDocument ?? (parent as Document);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? doc.createTextNode(String(child)) : child);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG `<tag>` with attributes (set through the DOM) and text/element children (text as text nodes). */
export function svg(doc: Document, tag: string, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElement {
  const element = doc.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.appendChild(typeof child === 'string' ? doc.createTextNode(child) : child);
  return element;
}
