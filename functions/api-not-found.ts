// Catch-all for unknown /api/* paths, so they get a problem+json 404 rather than the site's HTML 404.
import type { Config } from '@netlify/functions';
import { notFound, problemResponse, readablePathPart } from './_lib/http.ts';

// The message shows the path decoded (as the person typed it), not as percent-escapes.
export default async (req: Request) =>
  problemResponse(notFound(`There is no API endpoint at ${readablePathPart(new URL(req.url).pathname)}.`), new URL(req.url).pathname);

export const config: Config = { path: '/api/*' };
