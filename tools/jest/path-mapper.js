// Turns tsconfig.base.json "paths" into Jest moduleNameMapper entries, so tests import libraries
// by their package names (@frontier/...) exactly as the apps do.
const fs = require('node:fs');
const path = require('node:path');

module.exports = function pathMapper(tsconfigPath) {
  const root = path.dirname(tsconfigPath);
  const { compilerOptions } = JSON.parse(fs.readFileSync(tsconfigPath, 'utf8'));
  const mapper = {};
  for (const [alias, targets] of Object.entries(compilerOptions.paths ?? {})) {
    const escaped = alias.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    mapper[`^${escaped}$`] = path.join(root, targets[0]);
  }
  return mapper;
};
