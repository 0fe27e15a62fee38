// tests/sarif/schema/validate_sarif.mjs: validates SARIF files against the SARIF 2.1.0 JSON
// schema (sarif-2.1.0-rtm.5.json, the copy the npm package @microsoft/jest-sarif ships; a
// draft-04 schema, hence ajv-draft-04) with ajv, formats (uri, date-time) included.
//   node validate_sarif.mjs FILE.sarif...
// Exit 0 every file is valid, 1 one is not (ajv's errors printed), 77 skipped (node_modules
// missing: run `tools/dev deps`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
let Ajv04, addFormats, schema;
try {
  Ajv04 = require('ajv-draft-04');
  addFormats = require('ajv-formats');
  schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
} catch {
  console.log('SKIPPED: tests/sarif/schema/node_modules missing (npm ci there, or tools/dev deps)');
  process.exit(77);
}
// strict: false: the schema itself uses keywords ajv's strict mode rejects (it is not ours to
// fix); every keyword it uses is still enforced. unicodeRegExp: false: the schema's `language`
// pattern has a stray ']' that only a non-unicode RegExp accepts (as JSON Schema validators of
// its time did).
const ajv = new (Ajv04.default ?? Ajv04)({ allErrors: true, strict: false, unicodeRegExp: false });
(addFormats.default ?? addFormats)(ajv);
const validate = ajv.compile(schema);
let failed = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  if (validate(doc)) {
    console.log(`${file}: valid SARIF 2.1.0 (${doc.runs[0].results.length} results)`);
  } else {
    failed++;
    console.log(`${file}: INVALID`);
    for (const e of validate.errors.slice(0, 20)) console.log(`  ${e.instancePath} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
