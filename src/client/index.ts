/** Browser side of protocol v1: submit a job, poll it, resolve the endpoint. */
export { submitJob } from './submit.ts';
export { pollJob } from './poll.ts';
export { ClientError, isAbortError } from './errors.ts';
export { resolveEndpoint, resolveGarment } from './endpoint.ts';
export { isDefinitiveFailure } from './polling.ts';
