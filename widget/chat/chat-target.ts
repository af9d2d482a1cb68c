import type { TipsyChat } from '../tipsy-chat/tipsy-chat.js';
import type { ChatTarget } from '../transport/visitor-session.js';

/** The session the element's attributes ask for: its site, character and signed-in user, or the character it defines. */
export function chatTarget(el: TipsyChat, server: string): ChatTarget {
  return {
    server,
    siteKey: el.siteKey,
    character: el.character || undefined,
    user: el.userId ? { id: el.userId, hash: el.userHash ?? '', name: el.userName || undefined } : undefined,
    characterDefinition: el.characterName
      ? {
          name: el.characterName,
          avatarUrl: el.characterAvatar || undefined,
          greeting: el.characterGreeting || undefined,
          persona: el.characterPersona || undefined,
        }
      : undefined,
  };
}
