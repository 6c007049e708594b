'use strict';
// Never used by the REST calls (api.js) of @rocket.chat/sdk; the DDP driver is not tested.
module.exports = {};
