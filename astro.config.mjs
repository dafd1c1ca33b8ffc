// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import solid from '@astrojs/solid-js';
import { astroCsp } from './src/components/csp.ts';

export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  build: { format: 'directory' },
  i18n: {
    locales: ['zh-cn', 'en'],
    defaultLocale: 'zh-cn',
    routing: { prefixDefaultLocale: false },
  },
  integrations: [mdx(), solid()],
  // Lessons and regulations are static pages; nothing is prefetched so pages ship no extra JS.
  prefetch: false,
  devToolbar: { enabled: false },
  // Content-Security-Policy <meta> on every page (hashes of all scripts); see src/components/csp.ts.
  // PUBLIC_SUPABASE_URL comes from the build environment (as for src/client/supabase.ts and the
  // rebuild check in src/server/site-build.ts).
  security: { csp: astroCsp({ PUBLIC_SUPABASE_URL: process.env.PUBLIC_SUPABASE_URL }) },
});
