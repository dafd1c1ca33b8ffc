// Build-time title maps for the exam/practice islands: instrument short titles (for source links
// such as 《消保法》第16条) and lesson titles (practice topics). Small enough to pass as props.
import { MODULE_TITLES } from '../content/schemas.ts';
import type { TitleMaps } from '../client/format.ts';
import { getLibrary } from './library.ts';

export interface TopicInfo {
  id: string;
  title: string;
  moduleTitle: string;
}

export async function titleMaps(): Promise<TitleMaps> {
  const lib = await getLibrary();
  return {
    instruments: Object.fromEntries(lib.instruments.map((i) => [i.data.id, i.data.short])),
    lessons: Object.fromEntries(lib.lessons.map((l) => [l.data.id, l.data.title])),
  };
}

/** The practice topics: one per lesson, in module then lesson order. */
export async function practiceTopics(): Promise<TopicInfo[]> {
  const lib = await getLibrary();
  return lib.lessons.map((l) => ({
    id: l.data.id,
    title: l.data.title,
    moduleTitle: MODULE_TITLES[l.data.module as keyof typeof MODULE_TITLES] ?? l.data.module,
  }));
}
