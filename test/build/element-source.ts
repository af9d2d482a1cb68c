/**
 * What `<tipsy-chat>` offers a page, read from the widget's source rather than from its docs: the
 * parts its templates and DOM code set, the `--tipsy-*` properties its styles read, the events it
 * defines. test/build/custom-elements-manifest.test.ts compares these with the shipped manifest.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;
const widget = join(root, 'widget');
/** Array methods that can add a name, besides push. */
const ADDING = new Set(['unshift', 'splice', 'fill', 'copyWithin']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every custom property the styles read (`var(--tipsy-…)`). */
export function cssPropertiesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(widget).filter((f) => f.endsWith('.styles.ts'))) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/var\(\s*(--tipsy-[\w-]+)/g)) names.add(name!);
  }
  return names;
}

/** Every event type the widget's event classes are made with (`super('tipsy-…'`). */
export function eventsDefined(): Set<string> {
  const source = readFileSync(join(widget, 'events.ts'), 'utf8');
  return new Set([...source.matchAll(/super\('(tipsy-[\w-]+)'/g)].map(([, name]) => name!));
}

/**
 * Every part name the widget can set: `part="…"` in lit-html templates, `part=${…}` bindings,
 * and `setAttribute('part', …)`. A binding's names are worked out from the types of what it is
 * built from (a template literal over a union of strings, an array joined, with its pushes);
 * one this cannot read fails, naming its line, rather than going unchecked.
 */
export function partsSet(): Set<string> {
  const files = sourceFiles(widget);
  // The widget's and the contract's own types are all part names are made of: leaving out the rest
  // (lit, tRPC, the server behind AppRouter, the DOM and Node libraries) takes this from 6 s to 0.4 s.
  const program = ts.createProgram([...files, ...sourceFiles(join(root, 'server', 'protocol'))], {
    strict: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noResolve: true,
    noLib: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const names = new Set<string>();

  const where = (node: ts.Node) => {
    const file = node.getSourceFile();
    return `${relative(root, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };

  /** The strings an expression can be: a literal, a union of literals, or a template literal over them. */
  const valuesOf = (expr: ts.Expression): string[] => {
    if (ts.isStringLiteralLike(expr)) return [expr.text];
    if (ts.isTemplateExpression(expr)) {
      let values = [expr.head.text];
      for (const span of expr.templateSpans) {
        const inner = valuesOf(span.expression);
        values = values.flatMap((before) => inner.map((value) => before + value + span.literal.text));
      }
      return values;
    }
    const type = checker.getTypeAtLocation(expr);
    const members = type.isUnion() ? type.types : [type];
    if (members.every((member) => member.isStringLiteral())) return members.map((member) => (member as ts.StringLiteralType).value);
    throw new Error(`${where(expr)}: a part name this check cannot work out (${expr.getText()}): build it from string literals`);
  };

  /** A `part=${…}` binding: a string, or an array of them joined (`parts.join(' ')`), with what is pushed onto it. */
  const boundValues = (expr: ts.Expression): string[] => {
    const joined =
      ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression) && expr.expression.name.text === 'join'
        ? expr.expression.expression
        : undefined;
    if (!joined || !ts.isIdentifier(joined)) return valuesOf(expr);
    const symbol = checker.getSymbolAtLocation(joined);
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !ts.isArrayLiteralExpression(declaration.initializer)) {
      throw new Error(`${where(expr)}: joins ${joined.text}, which is not an array literal this check can read`);
    }
    const values = declaration.initializer.elements.flatMap((element) => valuesOf(element as ts.Expression));
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        ts.isIdentifier(node.expression.expression) &&
        checker.getSymbolAtLocation(node.expression.expression) === symbol
      ) {
        const method = node.expression.name.text;
        if (method === 'push') values.push(...node.arguments.flatMap(valuesOf));
        else if (ADDING.has(method)) throw new Error(`${where(node)}: adds to ${joined.text} other than by push`);
      }
      ts.forEachChild(node, visit);
    };
    visit(declaration.parent.parent.parent); // the block the array is declared in
    return values;
  };

  const add = (values: string[]) => values.flatMap((value) => value.split(/\s+/)).filter(Boolean).forEach((name) => names.add(name));

  for (const file of files) {
    const visit = (node: ts.Node): void => {
      if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'html' && ts.isTemplateExpression(node.template)) {
        const { head, templateSpans } = node.template;
        const texts = [head.text, ...templateSpans.map((span) => span.literal.text)];
        texts.forEach((text, i) => {
          for (const [, value] of text.matchAll(/\bpart="([^"]*)"/g)) add([value!]);
          // A binding: part=${…}, or part="static ${…}" with names before it.
          const open = /\bpart=(?:"([^"]*)|([^\s"'>]*))$/.exec(text);
          if (open && templateSpans[i]) add([open[1] ?? open[2]!, ...boundValues(templateSpans[i].expression)]);
        });
      } else if (ts.isNoSubstitutionTemplateLiteral(node) && ts.isTaggedTemplateExpression(node.parent) && node.parent.tag.getText() === 'html') {
        for (const [, value] of node.text.matchAll(/\bpart="([^"]*)"/g)) add([value!]);
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'setAttribute' &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0]) &&
        node.arguments[0].text === 'part'
      ) {
        add(valuesOf(node.arguments[1]!));
      }
      ts.forEachChild(node, visit);
    };
    visit(program.getSourceFile(file)!);
  }
  return names;
}
