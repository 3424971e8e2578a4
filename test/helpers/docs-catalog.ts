import { defaultEntries, defineCatalog } from '../../src/index.js';

/** A user's catalog: the default entries and two sub-codes of its own, with a header the library does not know. */
export const ordersCatalog = defineCatalog([
  ...defaultEntries,
  {
    status: 404,
    subCode: '404.71',
    name: 'ORDER_NOT_FOUND',
    title: 'Order not found',
    description: 'No order has this id.',
  },
  {
    status: 409,
    subCode: '409.71',
    name: 'ORDER_ALREADY_SHIPPED',
    title: 'Order already shipped',
    description: 'A shipped order cannot be changed <anymore> | cancel it instead.',
    headers: ['Location', 'X-Shipment-Id'],
  },
]);

export const TYPE_BASE_URI = 'https://api.example.com/docs/errors';
