/**
 * Jest's runtime, compiling each module once per worker instead of once per test file.
 *
 * Jest gives every test file a fresh module registry, so a worker evaluates the Pulumi SDK,
 * zod, the policy SDK and the program again for each file, and V8 compiles their code again
 * each time: a CPU profile of `npm test` (README, "Tests") put a fifth of the run in
 * `vm.Script` and the lazy compilation under `runInContext`. A compiled `vm.Script` is not
 * tied to a context, so the same one is run in each file's context: modules are still
 * evaluated afresh per file (no state is shared between files), only the compilation is.
 *
 * Caveat: a script's dynamic `import()` is resolved by the runtime that compiled it, which is
 * gone once its file has ended; nothing the tests load uses `import()` (CommonJS throughout),
 * and were it used, jest would fail loudly ("Test environment has been torn down").
 *
 * JavaScript, not TypeScript: jest requires a `runtime` without transforming it.
 */
const { default: Runtime } = require("jest-runtime");

/** This worker's compiled scripts by file name, with the transformed source they were compiled from. */
const compiled = new Map();

module.exports = class CodeCachingRuntime extends Runtime {
  createScriptFromCode(scriptSource, filename) {
    const cached = compiled.get(filename);
    if (cached && cached.source === scriptSource) return cached.script;
    const script = super.createScriptFromCode(scriptSource, filename);
    compiled.set(filename, { source: scriptSource, script });
    return script;
  }
};
