#!/usr/bin/env node
// Replays the requests of Rocket.Chat's admin screen "Custom User Status" against a live
// portal, with the web client's own REST client (@rocket.chat/api-client):
//   node admin_table.mjs BASE_URL MANAGER_USERNAME PASSWORD
// The table (apps/meteor/client/views/admin/customUserStatus/CustomUserStatusTable/
// CustomUserStatusTable.tsx) builds each request from its state and hands it to
// `useEndpoint('GET', '/v1/custom-user-status.list')`, which is RestClient.get: the query
// string is query-string's stringify of that object (keys sorted, values URI-encoded).
// AdminTable below keeps the same state and builds the same object:
// - `name: escapeRegExp(text)`, the search box (useDebouncedValue, 500 ms: one request once
//   the typing stops); escapeRegExp is @rocket.chat/string-helpers', the function the
//   server uses, the same as the UI's @rocket.chat/tools one;
// - `sort: '{ "<column>": 1 | -1 }'` (useSort('name'): a click on the active column flips
//   the direction, on another column sorts it ascending);
// - `offset` and `count` (usePaginatedQueryKey over usePagination: 25 rows a page, the
//   Pagination's `current` is the first row's index; its page size follows the last reply
//   with getPageSize);
// and the edit form's load (CustomUserStatusFormWithData: `{ _id }`).
// Every reply is validated as in run.mjs (vendor.mjs). Prints one line
// "RC-TABLE <json>": for each step, the query string sent and what came back.
import assert from 'node:assert/strict';

import { client, login, ok, require } from './vendor.mjs';

const { escapeRegExp } = require('@rocket.chat/string-helpers');

const [baseUrl, managerName, password] = process.argv.slice(2);
if (!baseUrl || !managerName || !password) {
  throw new Error('usage: node admin_table.mjs BASE_URL MANAGER PASSWORD');
}

// Every URL the client fetches, as it went on the wire.
const sent = [];
const originalFetch = globalThis.fetch;
globalThis.fetch = (url, options) => {
  sent.push(String(url));
  return originalFetch(url, options);
};

const LIST = '/v1/custom-user-status.list';

// packages/ui-client/src/helpers/pagination.ts
const getNextPageOffset = ({ offset, count, total }) =>
  count <= 0 || offset + count >= total ? undefined : offset + count;
const getPageSize = (pageSize, page) =>
  getNextPageOffset(page) === undefined || page.count >= pageSize ? pageSize : page.count;

class AdminTable {
  constructor(rest) {
    this.rest = rest;
    this.text = ''; // useState('')
    this.sortBy = 'name'; // useSort('name')
    this.sortDirection = 'asc';
    this.current = 0; // useCurrent
    this.itemsPerPage = 25; // useItemsPerPage
    this.pageSize = 25; // usePaginatedQueryKey's useState(itemsPerPage)
    this.lastPage = undefined;
    this.steps = [];
  }

  query() {
    return {
      name: escapeRegExp(this.text),
      sort: `{ "${this.sortBy}": ${this.sortDirection === 'asc' ? 1 : -1} }`,
    };
  }

  paginatedQuery() {
    return {
      ...this.query(),
      offset: Math.floor(this.current / this.itemsPerPage) * this.pageSize,
      count: this.pageSize,
    };
  }

  async load(what, params = this.paginatedQuery()) {
    const before = sent.length;
    const reply = await ok('list', what, () => this.rest.get(LIST, params));
    assert.equal(sent.length, before + 1, `${what}: one request`);
    const url = new URL(sent[before]);
    assert.equal(url.pathname, '/api/v1/custom-user-status.list');
    this.steps.push({
      step: what,
      query: url.search.slice(1),
      names: reply.statuses.map((status) => status.name),
      types: reply.statuses.map((status) => status.statusType),
      count: reply.count,
      offset: reply.offset,
      total: reply.total,
    });
    return reply;
  }

  async loadPage(what) {
    this.lastPage = await this.load(what);
    return this.lastPage;
  }

  // --- what the manager does ---

  open() {
    return this.loadPage('open the screen');
  }

  /** Type in the search box; the debounced value is sent once the typing stops. */
  type(text) {
    this.text = text;
    return this.loadPage(`search "${text}"`);
  }

  /** A page button of fuselage's Pagination: onSetCurrent(first row of that page). */
  goToPage(number) {
    this.pageSize = this.lastPage ? getPageSize(this.pageSize, this.lastPage) : this.pageSize;
    this.current = (number - 1) * this.itemsPerPage;
    return this.loadPage(`page ${number}`);
  }

  /** "Items per page": usePagination resets the page to the first. */
  setItemsPerPage(itemsPerPage) {
    this.pageSize = itemsPerPage;
    this.itemsPerPage = itemsPerPage;
    this.current = 0;
    return this.loadPage(`${itemsPerPage} per page`);
  }

  /** A click on a column header (GenericTableHeaderCell onClick={setSort}). */
  clickHeader(column) {
    if (this.sortBy === column) {
      this.sortDirection = this.sortDirection === 'asc' ? 'desc' : 'asc';
    } else {
      this.sortBy = column;
      this.sortDirection = 'asc';
    }
    return this.loadPage(`sort by ${column} ${this.sortDirection}`);
  }

  /** A click on a row: the edit form loads that status (CustomUserStatusFormWithData). */
  openRow(status) {
    return this.load(`edit "${status.name}"`, { _id: status._id });
  }
}

const rest = client(baseUrl);
await login(rest, managerName, password);
const table = new AdminTable(rest);

await table.open();
await table.type('meet');
// escapeRegExp makes it `1\.5`; Rocket.Chat's route escapes the name again, so the search
// matches that text literally: `.` is not a wildcard.
await table.type('1.5');
await table.type('');
await table.goToPage(2);
await table.clickHeader('name');
await table.clickHeader('name');
await table.goToPage(1);
await table.clickHeader('statusType');
await table.setItemsPerPage(50);
const page = await table.type('Meeting');
const edited = await table.openRow(page.statuses[0]);
assert.equal(edited.statuses[0]._id, page.statuses[0]._id);

console.log(`RC-TABLE ${JSON.stringify(table.steps)}`);
