// JSON Schemas generated from the vendor's TypeScript types (@selfcommunity/types, pinned in
// package-lock.json) with ts-json-schema-generator, and an ajv validator for the portal's
// replies. Generated afresh on every run from the installed packages, so they are always
// the pinned types' own:  node schemas.js  prints them.
'use strict';

const path = require('node:path');
const tsj = require('ts-json-schema-generator');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const TYPES_DIR = path.join(__dirname, 'node_modules', '@selfcommunity', 'types');

// The reply objects of this surface, by the name of their type in @selfcommunity/types.
const TYPES = {
  status: 'SCFeedStatusType',
  category: 'SCCategoryType',
  tag: 'SCTagType',
  media: 'SCMediaType',
  user: 'SCUserType',
};

// `types` maps a kind to its type name; catalogue.js asks for the types the SDK's service
// methods declare, by their own names.
function generateSchemas(types = TYPES) {
  const config = (type) => ({
    ...tsj.DEFAULT_CONFIG,
    path: path.join(TYPES_DIR, 'lib', 'cjs', 'types', 'index.d.ts'),
    type,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    // TypeScript object types are open: a key the type does not name is allowed.
    additionalProperties: true,
  });
  // The TypeScript program is read once (about a second) and shared; the schemas are the
  // same as with one createGenerator per type.
  const entries = Object.entries(types);
  const program = entries.length ? tsj.createProgram(config(entries[0][1])) : null;
  const schemas = {};
  for (const [kind, type] of entries) {
    // One parser per type: the parser's definition cache is not safe to reuse.
    const typeConfig = config(type);
    const generator = new tsj.SchemaGenerator(
      program,
      tsj.createParser(program, typeConfig),
      tsj.createFormatter(typeConfig),
      typeConfig
    );
    schemas[kind] = generator.createSchema(type);
  }
  return schemas;
}

// The portal's page and error envelopes. They are not in @selfcommunity/types: the page is
// DRF's (`next`/`previous` null on the first/last page, as CONTRACTS.md says), the error
// body is the shape the SDK's formatHttpError reads.
const PAGE = (itemRef) => ({
  type: 'object',
  required: ['count', 'next', 'previous', 'results'],
  properties: {
    count: { type: 'integer', minimum: 0 },
    next: { type: ['string', 'null'] },
    previous: { type: ['string', 'null'] },
    results: { type: 'array', items: { $ref: itemRef } },
  },
});

const MESSAGE = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
};

const ERRORS = {
  type: 'object',
  required: ['errors'],
  additionalProperties: false,
  properties: {
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        anyOf: [
          {
            type: 'object',
            required: ['field', 'messages'],
            additionalProperties: false,
            properties: {
              field: { type: 'string' },
              messages: { type: 'array', minItems: 1, items: MESSAGE },
            },
          },
          { ...MESSAGE, additionalProperties: false },
        ],
      },
    },
  },
};

function makeValidator(schemas = generateSchemas()) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validators = {};
  for (const [kind, schema] of Object.entries(schemas)) {
    ajv.addSchema(schema, kind);
    validators[kind] = ajv.compile({ $ref: kind });
    validators[`page:${kind}`] = ajv.compile(PAGE(kind));
  }
  validators.errors = ajv.compile(ERRORS);
  // The problems of `body` as a reply of `kind` ("status", "page:tag", "errors", ...).
  return function validate(kind, body) {
    const check = validators[kind];
    if (!check) throw new Error(`no schema for replies of kind ${kind}`);
    if (check(body)) return [];
    return check.errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

module.exports = { TYPES, generateSchemas, makeValidator };

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(generateSchemas(), null, 2)}\n`);
}
