/**
 * Which attributes a provider computes, read from its SDK's own declarations: an output the
 * program cannot set (in the resource class, not in its `Args`), or an optional input the
 * provider fills in when the program leaves it unset. The generated SDKs declare an output
 * `pulumi.Output<T>` without `undefined` exactly when the provider always returns it
 * (`docker.Network`'s `options`, `driver`, `scope`), so "always returned, optional or absent
 * as input" is "computed". Nested objects follow the same rule through `types/output.d.ts`
 * and `types/input.d.ts` (`docker.Container`'s `ports[].external`). An input with a default
 * the provider's Check fills in (`ports[].ip`, `0.0.0.0`) is known in a preview and not listed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as ts from "typescript";

/** The attributes computed at one level of a resource's state, and the object-typed ones to descend into. */
export interface ComputedShape {
  computed: ReadonlySet<string>;
  nested: ReadonlyMap<string, () => ComputedShape>;
}

/** The SDK package of each provider (the first part of a type token) whose state the provider computes. */
const SDK_PACKAGES: Record<string, string> = {
  docker: "@pulumi/docker",
  proxmoxve: "@muhlba91/pulumi-proxmoxve",
  aws: "@pulumi/aws",
  cloudflare: "@pulumi/cloudflare",
  random: "@pulumi/random",
  tls: "@pulumi/tls",
};

export function hasDeclaredSchema(type: string): boolean {
  return type.split(":")[0] in SDK_PACKAGES;
}

interface Member {
  name: string;
  optional: boolean;
  /** The non-namespaced `outputs.X` this member holds (alone or as a list). */
  nestedType?: string;
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
}

/** `T | undefined` -> T without undefined; whether undefined was there. */
function withoutUndefined(type: ts.TypeNode): { type: ts.TypeNode; optional: boolean } {
  if (!ts.isUnionTypeNode(type)) return { type, optional: false };
  const rest = type.types.filter((member) => member.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword));
  return { type: rest.length === 1 ? rest[0] : type, optional: rest.length < type.types.length };
}

/** `outputs.X` or `outputs.X[]` -> X (namespaced types such as `outputs.route53.X` are not descended into). */
function nestedTypeOf(type: ts.TypeNode): string | undefined {
  const element = ts.isArrayTypeNode(type) ? type.elementType : type;
  if (!ts.isTypeReferenceNode(element) || !ts.isQualifiedName(element.typeName)) return undefined;
  const { left, right } = element.typeName;
  return ts.isIdentifier(left) && left.text === "outputs" ? right.text : undefined;
}

function memberName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}

/** Outputs of the resource class: `readonly x: pulumi.Output<T>`. */
function classOutputs(source: ts.SourceFile, className: string): Member[] {
  const declaration = source.statements.find((statement): statement is ts.ClassDeclaration => ts.isClassDeclaration(statement) && statement.name?.text === className);
  if (!declaration) throw new Error(`${source.fileName} declares no class ${className}`);
  return declaration.members.flatMap((member) => {
    const name = member.name && memberName(member.name);
    if (!ts.isPropertyDeclaration(member) || !name || !member.type || !ts.isTypeReferenceNode(member.type)) return [];
    const [argument] = member.type.typeArguments ?? [];
    if (!argument || member.type.typeName.getText(source) !== "pulumi.Output") return [];
    const { type, optional } = withoutUndefined(argument);
    return [{ name, optional, nestedType: nestedTypeOf(type) }];
  });
}

function interfaceMembers(declaration: ts.InterfaceDeclaration): Member[] {
  return declaration.members.flatMap((member) => {
    const name = member.name && memberName(member.name);
    if (!ts.isPropertySignature(member) || !name) return [];
    const { type, optional } = member.type ? withoutUndefined(member.type) : { type: undefined, optional: true };
    return [{ name, optional: optional || member.questionToken !== undefined, nestedType: type && nestedTypeOf(type) }];
  });
}

function findInterface(source: ts.SourceFile, name: string): ts.InterfaceDeclaration | undefined {
  return source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === name);
}

/**
 * One top-level interface of a (possibly very large) `types/*.d.ts`: its text is cut out
 * before parsing, since parsing all of `@pulumi/aws`'s takes seconds.
 */
function typesInterface(packageName: string, file: "input" | "output", name: string): Member[] {
  return cachedDeclaration(packageName, `types/${file}#${name}`, () => {
    const path = join(packageDir(packageName), "types", `${file}.d.ts`);
    const text = fileText(path);
    const start = text.indexOf(`\nexport interface ${name} {`);
    if (start < 0) return [];
    const end = text.indexOf("\n}", start);
    const declaration = findInterface(parse(path, text.slice(start, end + 2)), name);
    return declaration ? interfaceMembers(declaration) : [];
  });
}

const texts = new Map<string, string>();
function fileText(path: string): string {
  let text = texts.get(path);
  if (text === undefined) {
    text = readFileSync(path, "utf8");
    texts.set(path, text);
  }
  return text;
}

function shapeOf(packageName: string, outputs: Member[], inputs: Member[]): ComputedShape {
  const optionalInput = new Map(inputs.map((member) => [member.name, member.optional]));
  const computed = new Set(outputs.filter((member) => !member.optional && optionalInput.get(member.name) !== false).map((member) => member.name));
  const nested = new Map<string, () => ComputedShape>();
  for (const member of outputs) {
    const typeName = member.nestedType;
    if (!typeName) continue;
    // The generated SDKs name a nested type alike in types/input.d.ts and types/output.d.ts.
    let shape: ComputedShape | undefined;
    nested.set(member.name, () => (shape ??= shapeOf(packageName, typesInterface(packageName, "output", typeName), typesInterface(packageName, "input", typeName))));
  }
  return { computed, nested };
}

const shapes = new Map<string, ComputedShape>();

/** The computed attributes of a resource type (`docker:index/network:Network`), from its SDK's declarations. */
export function computedShape(type: string): ComputedShape {
  const known = shapes.get(type);
  if (known) return known;
  const [provider, module, className] = type.split(":");
  const packageName = SDK_PACKAGES[provider];
  if (!packageName || !module || !className) throw new Error(`no SDK declarations known for ${type}`);
  const { outputs, inputs } = cachedDeclaration(packageName, `${module}#${className}`, () => {
    // `index/network`, `route53/zone`, or a nested module's `network/linux/bridge`: folders, then the file.
    const folders = module.split("/");
    const file = folders.pop();
    const path = join(packageDir(packageName), ...folders.filter((folder) => folder !== "index"), `${file}.d.ts`);
    const source = parse(path, fileText(path));
    const args = findInterface(source, `${className}Args`);
    return { outputs: classOutputs(source, className), inputs: args ? interfaceMembers(args) : [] };
  });
  const shape = shapeOf(packageName, outputs, inputs);
  shapes.set(type, shape);
  return shape;
}

/**
 * What was read from an SDK's declarations, kept on disk per SDK version and version of this
 * file (`node_modules/.cache/homeops/`): parsing the `.d.ts` files with TypeScript was most of
 * an offline plan's own time. A cache that cannot be written is only slower.
 */
const CACHE_DIR = join(__dirname, "..", "..", "node_modules", ".cache", "homeops");

interface DeclarationCache {
  file: string;
  entries: Record<string, unknown>;
}

const declarationCaches = new Map<string, DeclarationCache>();

function declarationCache(packageName: string): DeclarationCache {
  let cache = declarationCaches.get(packageName);
  if (!cache) {
    const { version } = JSON.parse(readFileSync(join(packageDir(packageName), "package.json"), "utf8")) as { version: string };
    const reader = createHash("sha256").update(readFileSync(__filename)).digest("hex").slice(0, 12);
    const file = join(CACHE_DIR, `declarations-${packageName.replace("/", "+")}@${version}-${reader}.json`);
    let entries: Record<string, unknown> = {};
    try {
      entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      // Not written yet (or unreadable): the declarations are read and the file written.
    }
    cache = { file, entries };
    declarationCaches.set(packageName, cache);
  }
  return cache;
}

function cachedDeclaration<T>(packageName: string, key: string, read: () => T): T {
  const cache = declarationCache(packageName);
  if (key in cache.entries) return cache.entries[key] as T;
  const value = read();
  cache.entries[key] = value;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Whole or not at all: another process may be reading it.
    const partial = `${cache.file}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(cache.entries));
    renameSync(partial, cache.file);
  } catch {
    // A read-only install: the declarations are parsed each time.
  }
  return value;
}
