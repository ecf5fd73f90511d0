/**
 * A route parameter as the API knows it. Ids are base64 and may hold "/", "+" or "=", so links
 * encode them (encodeURIComponent) and the routes decode them here; a raw id passes unchanged.
 */
export function routeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
