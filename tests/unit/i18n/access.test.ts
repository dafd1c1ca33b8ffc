// The NoAccess sentence names who may use the page, once, in the page's language; the page's role
// check on load (RoleGate) decides from /api/me's roles and lets the island decide when it cannot tell.
import { describe, expect, it } from 'vitest';
import { accessSentence, accessTexts, rolesAllow, rolesList } from '../../../src/i18n/access.ts';

describe('who may use a page', () => {
  it('lists the roles as each language does, without the employee role', () => {
    expect(rolesList('zh-cn', ['hr', 'admin'])).toBe('人力/考核和系统管理员');
    expect(rolesList('zh-cn', ['trainer', 'hr', 'admin'])).toBe('培训管理员、人力/考核和系统管理员');
    expect(rolesList('zh-cn', ['employee', 'admin'])).toBe('系统管理员');
    expect(rolesList('en', ['trainer', 'hr', 'admin'])).toBe('Trainer, HR / appraisal, Administrator');
  });

  it('says it in one sentence (plus how to get the role)', () => {
    expect(accessSentence('zh-cn', ['hr', 'admin'])).toBe('此页面仅供人力/考核和系统管理员使用。如工作需要，请联系系统管理员开通相应角色。');
    expect(accessSentence('en', ['hr', 'admin'])).toMatch(/^Only these roles can use this page: HR \/ appraisal, Administrator\. /);
    expect(Object.keys(accessTexts.en)).toEqual(Object.keys(accessTexts.zh));
  });

  it('the gate: allowed, refused, or unknown (the island decides)', () => {
    expect(rolesAllow(['employee', 'trainer'], ['hr', 'admin'])).toBe(false);
    expect(rolesAllow(['employee', 'hr'], ['hr', 'admin'])).toBe(true);
    expect(rolesAllow(undefined, ['hr', 'admin'])).toBeNull();
  });
});
