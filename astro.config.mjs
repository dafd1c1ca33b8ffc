// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import solid from '@astrojs/solid-js';
import { loadEnv } from 'vite';
import { astroCsp } from './src/components/csp.ts';

// The config is evaluated before Astro loads .env files into import.meta.env; read PUBLIC_* the way
// Vite will (process environment first, then .env, .env.production …), so the CSP's connect-src and
// the page's PUBLIC_SUPABASE_URL always agree.
const publicEnv = loadEnv(process.env.NODE_ENV === 'development' ? 'development' : 'production', process.cwd(), 'PUBLIC_');

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
  security: { csp: astroCsp({ PUBLIC_SUPABASE_URL: process.env.PUBLIC_SUPABASE_URL ?? publicEnv.PUBLIC_SUPABASE_URL }) },
});
