#!/usr/bin/env node
// Part of scripts/post-build.sh: fits wasm-bindgen's glue (GLUE, unminified) to the wasm (WASM)
// as post-build.sh leaves it: the glue of wasm-streams' classes goes (their exports were
// removed), the import object and the `wasm.<export>` reads take the short names of NAMES (what
// `wasm-opt --minify-imports-and-exports-and-modules` printed), and the imports the optimiser
// dropped go with their functions. Then it checks that the two fit: every import the wasm asks
// for is provided, the glue reads no export the wasm lacks. Any mismatch fails the build.
"use strict";
const fs = require("fs");
const [glue, wasm, namesFile] = process.argv.slice(2);
const fail = (why) => {
  console.error(`post-build: ${glue}: ${why} (a new wasm-bindgen output shape?)`);
  process.exit(1);
};
const lines = fs.readFileSync(glue, "utf8").split("\n");
const out = [];
for (let i = 0; i < lines.length; i++) {
  const l = lines[i];
  // "export class IntoUnderlying… {" up to its closing "}" at the start of a line.
  if (/^export class IntoUnderlying\w* \{$/.test(l)) {
    while (i < lines.length && lines[i] !== "}") i++;
    continue;
  }
  // "if (Symbol.dispose) IntoUnderlying….prototype[Symbol.dispose] = ….free;"
  if (/^if \(Symbol\.dispose\) IntoUnderlying\w*\.prototype/.test(l)) continue;
  // "const IntoUnderlying…Finalization = (…)" over three lines, up to its ";".
  if (/^const IntoUnderlying\w*Finalization = /.test(l)) {
    while (i < lines.length && !lines[i].endsWith(";")) i++;
    continue;
  }
  out.push(l);
}
let text = out.join("\n");

// The wasm-opt names: {"imports": [[module, old, new], …], "exports": [[old, new], …]}.
const names = JSON.parse(fs.readFileSync(namesFile, "utf8"));
const compiled = new WebAssembly.Module(fs.readFileSync(wasm));
const wanted = WebAssembly.Module.imports(compiled);
const exported = new Set(WebAssembly.Module.exports(compiled).map((e) => e.name));
// The import object: `const import0 = { __proto__: null, <name>: function(…) {…}, … };`,
// returned as `{ __proto__: null, "<module>": import0 }`. Each import the wasm still has is
// renamed; one the optimiser dropped (the wasm no longer calls it) goes with its function.
// (The names printed say each import's module before, not after: that is read off the wasm.)
const oldModules = [...new Set(names.imports.map(([m]) => m))];
const newModules = [...new Set(wanted.map((i) => i.module))];
if (oldModules.length !== 1 || newModules.length !== 1) {
  fail(`expected one import module, got ${oldModules.join(", ")} → ${newModules.join(", ")}`);
}
const [oldModule, newModule] = [oldModules[0], newModules[0]];
const renamed = new Map(names.imports.map(([, from, to]) => [from, to]));
const open = text.indexOf("    const import0 = {\n");
const close = text.indexOf("\n    };\n", open);
if (open < 0 || close < 0) fail("no import object");
const entries = text.slice(open, close).split("\n");
const kept = [];
for (let i = 0; i < entries.length; i++) {
  const m = /^ {8}([\w$]+): function\(/.exec(entries[i]);
  if (!m) {
    kept.push(entries[i]);
    continue;
  }
  if (renamed.has(m[1])) {
    kept.push(entries[i].replace(m[1], () => JSON.stringify(renamed.get(m[1]))));
    renamed.delete(m[1]);
  } else {
    // The entry up to its closing "        },".
    while (i < entries.length && entries[i] !== "        },") i++;
  }
}
if (renamed.size) fail(`imports with no function: ${[...renamed.keys()].join(", ")}`);
text = text.slice(0, open) + kept.join("\n") + text.slice(close);
const moduleKey = `        ${JSON.stringify(oldModule)}: import0,`;
if (text.split(moduleKey).length !== 2) fail(`no single ${moduleKey.trim()}`);
text = text.replace(moduleKey, () => `        ${JSON.stringify(newModule)}: import0,`);
// The exports, as the glue reads them: `wasm.<name>`.
const exportNames = new Map(names.exports);
text = text.replace(/\bwasm\.(\w+)\b/g, (all, name) => {
  if (!exportNames.has(name)) fail(`wasm.${name} is not an export of the wasm`);
  return `wasm.${exportNames.get(name)}`;
});

// What is left must fit the wasm exactly: each import it asks for is in the object, under
// its one module, and the glue reads no export it lacks; nothing of wasm-streams is left.
const provided = new Set([...text.matchAll(/^ {8}"([\w$]+)": function\(/gm)].map((m) => m[1]));
const missing = wanted.filter((i) => i.module !== newModule || !provided.has(i.name));
if (missing.length) fail(`imports not provided: ${missing.map((i) => i.module + "." + i.name).join(", ")}`);
const unknown = [...text.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((n) => !exported.has(n));
if (unknown.length) fail(`reads exports the wasm lacks: ${[...new Set(unknown)].join(", ")}`);
if (/intounderlying/i.test(text) || names.exports.some(([from]) => /intounderlying/i.test(from))) {
  fail("wasm-streams classes left");
}
fs.writeFileSync(glue, text);
