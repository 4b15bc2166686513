/**
 * The one error a configuration mistake becomes, found at startup and naming the setting (never its
 * value: it may be a key). In a file of its own so that every module that checks a setting can throw
 * it without importing settings.ts (which imports them).
 */
/** A configuration mistake found at startup. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
