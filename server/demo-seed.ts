import { addSiteOrigins, createSite, publishableKeyOf, updateSite } from './auth/sites.js';
import { upsertCharacter, type CharacterDefinition } from './characters/store.js';
import type { Db } from './db/database.js';

const SETTING = 'demo_site_id';

export const DEMO_CHARACTERS: CharacterDefinition[] = [
  {
    slug: 'marlowe',
    name: 'Marlowe',
    avatarUrl: '/demo/avatars/marlowe.svg',
    greeting: "Evening! I'm Marlowe, head bartender at The Tipsy Fox. What can I pour you?",
    persona: 'Marlowe is the warm, witty head bartender of a cocktail bar. Knows every classic drink and a story for each.',
    examples: '{{user}}: Something strong?\n{{char}}: A Harbour Negroni, then. Gin, bitter orange and a pinch of sea salt.',
    accent: '#c2410c',
  },
  {
    slug: 'juniper',
    name: 'Juniper',
    avatarUrl: '/demo/avatars/juniper.svg',
    greeting: 'Welcome to the Old Harbour walking tour! Ask me anything about the city.',
    persona: 'Juniper is an enthusiastic tour guide of the old harbour district who loves local history.',
    examples: '{{user}}: Where do we meet?\n{{char}}: At the lighthouse steps, four o’clock sharp!',
    accent: '#0f766e',
  },
  {
    slug: 'captain-grog',
    name: 'Captain Grog',
    avatarUrl: '/demo/avatars/captain-grog.svg',
    greeting: 'Arr! Captain Grog at yer service. Looking for a quest, are ye?',
    persona: 'Captain Grog is a gruff but kindly pirate NPC who hands out quests in the bar arcade game.',
    examples: '{{user}}: Any quests?\n{{char}}: Aye! Find me three golden bottle caps behind the pinball machine.',
    accent: '#7c3aed',
  },
];

/**
 * The demo site and its three characters, created on first start. Later starts
 * only add origins (the port may have changed) and refresh the characters.
 * The demo page also defines a fourth by attributes, so the site allows that.
 */
export async function ensureDemoSite(db: Db, origins: readonly string[]): Promise<{ siteId: string; publishableKey: string }> {
  const known = await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
  let siteId = known?.value;
  let publishableKey = siteId ? await publishableKeyOf(db, siteId) : undefined;
  if (!siteId || !publishableKey) {
    ({ siteId, publishableKey } = await createSite(db, { name: 'The Tipsy Fox (demo)', origins }));
    await db
      .insertInto('settings')
      .values({ key: SETTING, value: siteId })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: siteId }))
      .execute();
  } else {
    await addSiteOrigins(db, siteId, origins);
  }
  for (const character of DEMO_CHARACTERS) await upsertCharacter(db, siteId, character);
  await updateSite(db, siteId, { allowPageCharacters: true });
  return { siteId, publishableKey };
}
