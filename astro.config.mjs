// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import solid from '@astrojs/solid-js';

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
});
