// An ajv-cli plugin (`ajv validate -c benchmarks/ajv_yaml12.js`) for validating the YAML manifests fairly.
//
// ajv-cli reads .yaml data with js-yaml's default schema, which is YAML 1.1's: `2026-11-01` becomes a
// JavaScript Date, and the JSON Schema (a date is a string with `format: date`) then rejects every manifest.
// `standards check` and the JSON Schema read dates as text, as YAML 1.2's core schema does; so ajv-cli's
// YAML reader is switched to that schema, and ajv-formats is added as `-c ajv-formats` would add it.
"use strict";
const yaml = require("js-yaml");
const addFormats = require("ajv-formats");

const safeLoad = yaml.safeLoad;
yaml.safeLoad = (text, options) => safeLoad(text, { ...options, schema: yaml.CORE_SCHEMA });

module.exports = (ajv) => addFormats(ajv);
