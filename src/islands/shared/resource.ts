// Reading a Solid resource that may have failed. In Solid, calling an errored resource (`data()`)
// rethrows its error; inside JSX or a memo with no error boundary that error escapes, the island
// stops updating and the page keeps its loading skeleton for ever. Islands read values through
// `valueOf` and show `resource.error` themselves (LoadError, NoAccess).
import type { Resource } from 'solid-js';

/** The resource's value, or undefined while it loads or after it failed. */
export function valueOf<T>(resource: Resource<T>): T | undefined {
  return resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined;
}

/** The HTTP status of a resource's error (an ApiError), or null. */
export function errorStatus(resource: Resource<unknown>): number | null {
  const status = (resource.error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : null;
}
