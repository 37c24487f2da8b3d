/** What an element may contain: nodes, or text (always inserted as text, never parsed). */
export type Child = Node | string | number | null | undefined | false;

export type Props = {
  class?: string;
  /** Attributes, set with setAttribute; event-handler and style attributes are refused. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
};

/**
 * Creates an element. Every string becomes a Text node, so names and reasons that contain markup
 * show as the characters they are; nothing here (or anywhere in the page) assigns innerHTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props?.class) element.className = props.class;
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (/^on/i.test(name) || name.toLowerCase() === "style")
      throw new Error(`refusing attribute ${name}: use listeners and classes`);
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [type, listener] of Object.entries(props?.on ?? {}))
    element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

/** Appends children (strings as text). */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child,
    );
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The element with this id, of the expected kind; throws when the page lacks it. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`the page has no #${id}`);
  return element;
}
