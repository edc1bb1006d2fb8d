/**
 * A very small template language for the residents' pages, so that the HTML files hold markup only and every
 * word comes from locales/ already HTML-escaped:
 *
 * - `{{name.path}}` puts a value in, escaped for HTML text and quoted attributes;
 * - `{{#items}} … {{/items}}` repeats for each item of an array (inside, names are looked up on the item first,
 *   and `{{.}}` is the item itself), or shows the block once for `true` and not at all for `false` or `[]`;
 * - `{{> part}}` puts in markup made by this module (a `Markup` value): never a plain string.
 *
 * A name the view does not have is an error, so a typo in a template stops start-up instead of leaving a hole.
 */

/** Markup that came out of a template (or was built here); the only thing `{{> …}}` accepts. */
export class Markup {
  constructor(readonly html: string) {}
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** JSON to put inside `<script type="application/json">`: nothing in it can close the element or open a comment. */
export function jsonForScript(value: unknown): Markup {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Markup(json);
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; name: string }
  | { kind: 'markup'; name: string }
  | { kind: 'section'; name: string; children: Node[] };

export type View = Record<string, unknown>;

export class TemplateError extends Error {
  constructor(template: string, reason: string) {
    super(`Template ${template}: ${reason}`);
    this.name = 'TemplateError';
  }
}

const TAG = /\{\{\s*([#/>]?)\s*([\w.]+|\.)\s*\}\}/g;

/** Parses a template once; `render` fills it in as often as needed. */
export class Template {
  private readonly nodes: Node[];

  constructor(
    private readonly name: string,
    source: string,
  ) {
    this.nodes = parse(name, source);
  }

  render(view: View): Markup {
    return new Markup(this.renderNodes(this.nodes, [view]));
  }

  private renderNodes(nodes: Node[], scopes: unknown[]): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') {
        out += node.text;
      } else if (node.kind === 'value') {
        const value = this.lookup(node.name, scopes);
        if (typeof value !== 'string' && typeof value !== 'number') {
          throw new TemplateError(this.name, `{{${node.name}}} is ${describe(value)}, expected text or a number`);
        }
        out += escapeHtml(String(value));
      } else if (node.kind === 'markup') {
        const value = this.lookup(node.name, scopes);
        if (!(value instanceof Markup)) throw new TemplateError(this.name, `{{> ${node.name}}} is ${describe(value)}, expected markup from a template`);
        out += value.html;
      } else {
        const value = this.lookup(node.name, scopes);
        if (Array.isArray(value)) {
          for (const item of value) out += this.renderNodes(node.children, [item, ...scopes]);
        } else if (value === true) {
          out += this.renderNodes(node.children, scopes);
        } else if (value !== false) {
          throw new TemplateError(this.name, `{{#${node.name}}} is ${describe(value)}, expected a list or true/false`);
        }
      }
    }
    return out;
  }

  private lookup(name: string, scopes: unknown[]): unknown {
    if (name === '.') return scopes[0];
    const [first, ...rest] = name.split('.');
    const scope = scopes.find((candidate) => isRecord(candidate) && Object.prototype.hasOwnProperty.call(candidate, first!));
    if (scope === undefined) throw new TemplateError(this.name, `the view has no "${name}"`);
    let value: unknown = (scope as View)[first!];
    for (const part of rest) {
      if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, part)) throw new TemplateError(this.name, `the view has no "${name}"`);
      value = value[part];
    }
    return value;
  }
}

function parse(name: string, source: string): Node[] {
  const root: Node[] = [];
  const open: { name: string; children: Node[] }[] = [];
  const current = () => open.at(-1)?.children ?? root;
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    if (match.index > last) current().push({ kind: 'text', text: source.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, sigil, tagName] = match as unknown as [string, string, string];
    if (sigil === '#') {
      const section: Node = { kind: 'section', name: tagName, children: [] };
      current().push(section);
      open.push(section);
    } else if (sigil === '/') {
      const closing = open.pop();
      if (closing?.name !== tagName) throw new TemplateError(name, `{{/${tagName}}} closes ${closing ? `{{#${closing.name}}}` : 'nothing'}`);
    } else {
      current().push({ kind: sigil === '>' ? 'markup' : 'value', name: tagName });
    }
  }
  if (open.length > 0) throw new TemplateError(name, `{{#${open.at(-1)!.name}}} is never closed`);
  if (last < source.length) current().push({ kind: 'text', text: source.slice(last) });
  return root;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
