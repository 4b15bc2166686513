/** The provider key of the endpoint bench: a fake's key, recognizable if it ever leaked. */
export const BENCH_API_KEY = 'bench_key_never_leaves_the_server_5b1e';
