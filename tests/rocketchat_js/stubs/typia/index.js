'use strict';
// @rocket.chat/core-typings/dist/Ajv.js does require('typia') for a type-only import.
module.exports = { __esModule: true, default: {} };
