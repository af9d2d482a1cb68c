/** The test-only routes the browser-test plugin serves; shared by the plugin (Node) and the pages (browser). */
export const TEST_ROUTES = {
  /** The BrowserTestEnv as JSON. */
  env: '/__tipsy__/env.json',
  /** `?conversationId=…&count=N` stores N alternating messages, oldest first, for paging tests. */
  seed: '/__tipsy__/seed',
  /** `?mode=open|no-socket|offline` sets what the proxy in front of the server lets through. */
  proxy: '/__tipsy__/proxy',
  /**
   * `?action=takeOver|reply|typing|release&input=<JSON>`: what the test site's owner does through the
   * admin API (`admin.conversations.<action>`: live takeover), answered with the API's JSON.
   */
  owner: '/__tipsy__/owner',
} as const;
