import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request values that code deep in a call chain needs without threading them through. */
export const requestStore = new AsyncLocalStorage<{ requestId: string }>();
